using System.Net;
using System.Net.Http.Headers;
using Leadline.Channels;
using Leadline.Common.Files;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// Fetches the media a provider links to in its webhook (Twilio's MediaUrl0.., a Messenger or Instagram attachment's URL)
/// into the file storage, for the message's preview. The key is set only if none is yet (a retried delivery fetching the
/// same media at once: one wins, the other's file is deleted). A link the provider refuses or no longer has is recorded
/// on the message as its error; a server error or a timeout throws, so the delivery is tried again later.
/// </summary>
public sealed class LinkedMedia(IHttpClientFactory http, IFileStorage storage, LeadlineDb db, ILogger<LinkedMedia> log)
{
    /// <summary>Files larger than this are not kept (Twilio's limit is 5 MB per media, Meta's 25 MB).</summary>
    public const long MaxBytes = 25 * 1024 * 1024;

    /// <summary>Whether the message still lacks its media (what a retried delivery looks at).</summary>
    public Task<bool> MissingAsync(long messageId, CancellationToken ct) =>
        db.Messages.AnyAsync(m => m.Id == messageId && m.MediaKey == null && m.Error == null, ct);

    public async Task FetchAsync(int workspaceId, long messageId, string url, AuthenticationHeaderValue? auth, string provider, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var location) || location.Scheme is not ("http" or "https"))
        {
            await SetErrorAsync(messageId, $"{provider} gave no usable address for the media.", ct);
            return;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.Authorization = auth;   // dropped by HttpClient when the provider redirects to its file store
        using var response = await http.CreateClient(ChannelsFeature.ChannelMedia).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden
            or HttpStatusCode.Unauthorized)
        {
            await SetErrorAsync(messageId, $"The media could not be fetched from {provider} ({(int)response.StatusCode}).", ct);
            return;
        }
        response.EnsureSuccessStatusCode();
        if (response.Content.Headers.ContentLength > MaxBytes)
        {
            await SetErrorAsync(messageId, $"The media is larger than {MaxBytes / 1024 / 1024} MB; it was not kept.", ct);
            return;
        }
        await using var content = await response.Content.ReadAsStreamAsync(ct);
        await KeepAsync(workspaceId, messageId, content, response.Content.Headers.ContentType?.MediaType, ct);
    }

    /// <summary>
    /// Stores <paramref name="content"/> as the message's media (an e-mail's attachment, or what was fetched), unless the
    /// message has one already: then the file just written is deleted again.
    /// </summary>
    public async Task KeepAsync(int workspaceId, long messageId, Stream content, string? mime, CancellationToken ct)
    {
        var key = $"messages/{workspaceId}/{messageId}-{Guid.NewGuid():N}";
        await storage.SaveAsync(key, content, ct);
        var won = await db.Messages.Where(m => m.Id == messageId && m.MediaKey == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.MediaKey, key).SetProperty(m => m.MediaMimeType, m => m.MediaMimeType ?? mime), ct);
        if (won == 0)
        {
            await storage.DeleteAsync(key, ct);
            log.LogDebug("Media of message {Message} was stored twice; kept the first", messageId);
        }
    }

    /// <summary>Records why a message has no media (too large, refused by the provider).</summary>
    public Task<int> SetErrorAsync(long messageId, string error, CancellationToken ct) =>
        db.Messages.Where(m => m.Id == messageId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Error, error), ct);
}
