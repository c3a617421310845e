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
        api.MapPost("/auth/token", IssueTokenAsync).WithTags("Authentication").WithName("IssueToken").AllowAnonymous().RequireRateLimiting(TokenRateLimit);
    }

    private static async Task<Results<Ok<IssuedToken>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, UserManager<User> users, SignInCheck check, ApiTokenService tokens, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Errors();
        if (string.IsNullOrWhiteSpace(request.Email))
            errors.Add("email", "E-mail is required.");
        if (string.IsNullOrEmpty(request.Password))
            errors.Add("password", "Password is required.");
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary());

        // one answer for unknown e-mail, wrong password, locked out and deactivated: nothing to probe
        var user = await check.CheckAsync(request.Email, request.Password, signInBrowser: false, remember: false);
        if (user is null)
            return TypedResults.Problem(SignInCheck.Failed, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

        user.LastSignInAt = clock.GetUtcNow().UtcDateTime;
        await users.UpdateAsync(user);
        return TypedResults.Ok(await tokens.IssueAsync(user, ct));
    }
}
