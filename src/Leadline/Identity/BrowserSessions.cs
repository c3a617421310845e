using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Leadline.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Identity;

/// <summary>
/// A signed-in browser session, kept on the server: the cookie carries only a random key. Signing out deletes the row, so a
/// copied cookie stops working at once; deactivating a user deletes all of theirs. Only the key's SHA-256 is stored.
/// </summary>
public sealed class BrowserSession
{
    public string KeyHash { get; set; } = "";

    public int UserId { get; set; }

    public int WorkspaceId { get; set; }

    public byte[] Ticket { get; set; } = [];

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }
}

internal sealed class BrowserSessionConfiguration : IEntityTypeConfiguration<BrowserSession>
{
    public void Configure(EntityTypeBuilder<BrowserSession> b)
    {
        b.ToTable("browser_sessions");
        b.HasKey(s => s.KeyHash);
        b.Property(s => s.KeyHash).HasMaxLength(64);
        b.HasIndex(s => s.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The cookie handler's server-side ticket store (the framework's <see cref="ITicketStore"/> seam).</summary>
public sealed class BrowserSessionStore(IServiceScopeFactory scopes, TimeProvider clock) : ITicketStore
{
    /// <summary>The stored principal names its own session (by hash), so a request can ask whether it is still open.</summary>
    public const string SessionClaim = "leadline:session";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is ClaimsIdentity identity)
            identity.AddClaim(new Claim(SessionClaim, Hash(key)));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        db.BrowserSessions.Add(new BrowserSession
        {
            KeyHash = Hash(key),
            UserId = int.TryParse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId) ? userId : 0,
            WorkspaceId = int.TryParse(ticket.Principal.FindFirstValue(LeadlineClaims.WorkspaceId), out var workspaceId) ? workspaceId : 0,
            Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            ExpiresAt = ticket.Properties.ExpiresUtc?.UtcDateTime,
        });
        await db.SaveChangesAsync();
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var bytes = TicketSerializer.Default.Serialize(ticket);
        var expires = ticket.Properties.ExpiresUtc?.UtcDateTime;
        await db.BrowserSessions.Where(s => s.KeyHash == Hash(key))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expires));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var row = await db.BrowserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.KeyHash == Hash(key));
        if (row is null || row.ExpiresAt < clock.GetUtcNow().UtcDateTime)
            return null;
        return TicketSerializer.Default.Deserialize(row.Ticket);
    }

    public async Task RemoveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LeadlineDb>().BrowserSessions.Where(s => s.KeyHash == Hash(key)).ExecuteDeleteAsync();
    }

    /// <summary>Whether the session behind this principal still exists (a live stream asks it now and then).</summary>
    public async Task<bool> IsOpenAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (principal.FindFirstValue(SessionClaim) is not { } hash)
            return true;   // a bearer-token caller: its token is checked on every request
        await using var scope = scopes.CreateAsyncScope();
        var now = clock.GetUtcNow().UtcDateTime;
        return await scope.ServiceProvider.GetRequiredService<LeadlineDb>().BrowserSessions
            .AnyAsync(s => s.KeyHash == hash && (s.ExpiresAt == null || s.ExpiresAt > now), ct);
    }

    public static Task EndAllAsync(LeadlineDb db, int userId, CancellationToken ct) =>
        db.BrowserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);

    private static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
