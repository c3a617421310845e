using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // a plain form post from the navigation bar (its antiforgery token checked like every page post: PagePosts)
        app.MapPost("/logout", async ([Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl, SignInManager<User> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login?signedOut=1");
        }).RequirePermission(Permission.Account);
    }
}
