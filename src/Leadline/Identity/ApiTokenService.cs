using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Leadline.Data;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadline.Identity;

public sealed class AuthOptions
{
    /// <summary>Lifetime of a token from <c>POST /api/v1/auth/token</c>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Token requests allowed per client address and minute (brute-force brake on top of lockout).</summary>
    public int TokenRequestsPerMinute { get; set; } = 20;

    /// <summary>How often a signed-in browser session re-checks that its user is still active.</summary>
    public TimeSpan SessionRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed record IssuedToken(string AccessToken, int ExpiresIn);

/// <summary>Issues opaque bearer tokens and resolves them to a principal (one indexed lookup per request).</summary>
public sealed class ApiTokenService(LeadlineDb db, TimeProvider clock, IOptions<AuthOptions> options)
{
    public async Task<IssuedToken> IssueAsync(User user, CancellationToken ct)
    {
        var token = "ll_" + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = options.Value.TokenLifetime;
        db.ApiTokens.Add(new ApiToken
        {
            WorkspaceId = user.WorkspaceId,
            UserId = user.Id,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        // expired tokens of this user are dead weight; clear them while we are here
        await db.ApiTokens.IgnoreQueryFilters().Where(t => t.UserId == user.Id && t.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        await db.SaveChangesAsync(ct);
        return new IssuedToken(token, (int)lifetime.TotalSeconds);
    }

    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, string scheme, CancellationToken ct)
    {
        var hash = Hash(token);
        var now = clock.GetUtcNow().UtcDateTime;
        // no workspace is in scope before authentication, so the lookup is explicitly unfiltered
        var row = await db.ApiTokens.IgnoreQueryFilters()
            .Where(t => t.TokenHash == hash && t.ExpiresAt > now && t.User!.IsActive)
            .Select(t => new
            {
                t.User!.Id,
                t.User.Email,
                t.User.Name,
                t.User.WorkspaceId,
                t.User.SecurityStamp,
                Role = db.UserRoles.Where(ur => ur.UserId == t.UserId)
                    .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        Claim[] claims =
        [
            new(ClaimTypes.NameIdentifier, row.Id.ToString()),
            new(ClaimTypes.Name, row.Email ?? ""),
            new(ClaimTypes.Email, row.Email ?? ""),
            new(LeadlineClaims.DisplayName, row.Name),
            new(LeadlineClaims.WorkspaceId, row.WorkspaceId.ToString()),
            new(ClaimTypes.Role, row.Role ?? ""),
        ];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Tokens die with deactivation; reactivating a user must not bring old tokens back.</summary>
    public Task RevokeAllAsync(int userId, CancellationToken ct) =>
        db.ApiTokens.IgnoreQueryFilters().Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
