using Leadline.Common.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Leadline.Identity;

public sealed record TokenRequest(string? Email, string? Password);

internal static class AuthApi
{
    public const string TokenRateLimit = "token";

    public static void MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", IssueTokenAsync).WithName("IssueToken").AllowAnonymous().RequireRateLimiting(TokenRateLimit);
    }

    private static async Task<Results<Ok<IssuedToken>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, UserManager<User> users, SignInManager<User> signIn, ApiTokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Errors();
        if (string.IsNullOrWhiteSpace(request.Email))
            errors.Add("email", "E-mail is required.");
        if (string.IsNullOrEmpty(request.Password))
            errors.Add("password", "Password is required.");
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary());

        var user = await users.FindByEmailAsync(request.Email!.Trim());
        // one answer for unknown e-mail, wrong password, locked out and deactivated: nothing to probe
        var check = user is null ? SignInResult.Failed : await signIn.CheckPasswordSignInAsync(user, request.Password!, lockoutOnFailure: true);
        if (!check.Succeeded)
            return TypedResults.Problem("Invalid e-mail or password.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

        user!.LastSignInAt = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        return TypedResults.Ok(await tokens.IssueAsync(user, ct));
    }
}
