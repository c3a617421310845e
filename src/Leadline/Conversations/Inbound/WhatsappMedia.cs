using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Leadline.Channels;
using Leadline.Common.Files;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Fetches an inbound message's media through the Graph API into the file storage: <c>GET {base}/{media-id}</c> gives a
/// short-lived URL, and <c>GET url</c> with the channel's bearer token gives the bytes. The message's media key is set only
/// if none is yet (two workers fetching the same media at once: one key wins, the other's file is deleted).
/// </summary>
public sealed class WhatsappMedia(IHttpClientFactory http, ChannelSecrets secrets, IFileStorage storage, LeadlineDb db, ILogger<WhatsappMedia> log)
{
    public async Task FetchAsync(Channel channel, long messageId, string mediaId, CancellationToken ct)
    {
        var token = secrets.Read(channel, "accessToken");
        var client = http.CreateClient(ChannelsFeature.MetaGraph);
        using var info = new HttpRequestMessage(HttpMethod.Get, Uri.EscapeDataString(mediaId));
        info.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var infoResponse = await client.SendAsync(info, ct);
        if (infoResponse.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            // gone (Meta keeps media for 30 days), not ours, or a token Meta refuses: nothing a retry would change
            await SetErrorAsync(messageId, $"The media could not be fetched from WhatsApp ({(int)infoResponse.StatusCode}).", ct);
            return;
        }
        infoResponse.EnsureSuccessStatusCode();   // anything else (5xx, timeouts): the delivery is tried again later
        string? url;
        await using (var json = await infoResponse.Content.ReadAsStreamAsync(ct))
        using (var doc = await JsonDocument.ParseAsync(json, cancellationToken: ct))
            url = doc.RootElement.TryGetProperty("url", out var u) ? u.GetString() : null;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var location))
        {
            await SetErrorAsync(messageId, "WhatsApp gave no address for the media.", ct);
            return;
        }
        using var download = new HttpRequestMessage(HttpMethod.Get, location);
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(download, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        var key = $"messages/{channel.WorkspaceId}/{messageId}-{Guid.NewGuid():N}";
        await using (var content = await response.Content.ReadAsStreamAsync(ct))
            await storage.SaveAsync(key, content, ct);
        var won = await db.Messages.Where(m => m.Id == messageId && m.MediaKey == null).ExecuteUpdateAsync(s => s.SetProperty(m => m.MediaKey, key), ct);
        if (won == 0)
        {
            await storage.DeleteAsync(key, ct);
            log.LogDebug("Media of message {Message} was fetched twice; kept the first", messageId);
        }
    }

    private Task<int> SetErrorAsync(long messageId, string error, CancellationToken ct) =>
        db.Messages.Where(m => m.Id == messageId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Error, error), ct);
}
