using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // a plain form post from the navigation bar; [FromForm] binding makes the framework check antiforgery
        app.MapPost("/logout", async ([Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl, SignInManager<User> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/login?signedOut=1");
        }).RequirePermission(Permission.Account);
    }
}
