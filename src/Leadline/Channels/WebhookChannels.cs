using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Leadline.Channels;

/// <summary>What a provider's webhook request needs of its channel: whose it is, and what verifies the request.</summary>
public sealed record WebhookChannel(int Id, int WorkspaceId, ChannelKind Kind, string? VerifyToken, string? AppSecret);

/// <summary>
/// The active channels' webhook material, kept per instance for <see cref="Keep"/>: a delivery otherwise paid a channel
/// read and a Data Protection unprotect of its secrets before its signature could be checked. This instance forgets a
/// channel at once when it is saved (<see cref="ChannelService"/>); another instance sees the change within
/// <see cref="Keep"/>. A channel not found is not kept, so a new channel works at once everywhere.
/// </summary>
public sealed class WebhookChannels(ChannelSecrets secrets, IMemoryCache cache)
{
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(15);

    /// <summary>The active channel <paramref name="channelId"/> when it is one of <paramref name="kinds"/>; null otherwise.</summary>
    public async Task<WebhookChannel?> FindAsync(LeadlineDb db, int channelId, IReadOnlyCollection<ChannelKind> kinds, CancellationToken ct)
    {
        if (!cache.TryGetValue(Key(channelId), out WebhookChannel? found))
        {
            // no workspace is in scope yet: the channel names it
            var channel = await db.Channels.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId && c.Active, ct);
            if (channel is null)
                return null;
            found = new WebhookChannel(channel.Id, channel.WorkspaceId, channel.Kind, WhatsappSettings.Read(channel.Settings).VerifyToken,
                secrets.Read(channel, "appSecret"));
            cache.Set(Key(channelId), found, Keep);
        }
        return found is not null && kinds.Contains(found.Kind) ? found : null;
    }

    /// <summary>The channel changed or went: the next request reads it again.</summary>
    public void Forget(int channelId) => cache.Remove(Key(channelId));

    private static (Type, int) Key(int channelId) => (typeof(WebhookChannels), channelId);
}
