using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;

namespace Leadline.Conversations.Inbound;

/// <summary>
/// A Messenger or Instagram customer's name from the Graph API (<c>GET /{psid}?fields=first_name,last_name</c>, Instagram's
/// <c>name,username</c>) with the channel's token; any failure (no permission, a timeout) leaves the name unknown.
/// </summary>
public sealed class MetaProfiles(IHttpClientFactory http, ChannelSecrets secrets, ILogger<MetaProfiles> log)
{
    public async Task<string?> NameAsync(Channel channel, string id, CancellationToken ct)
    {
        var token = secrets.Read(channel, "accessToken");
        if (string.IsNullOrEmpty(token))
            return null;
        var fields = channel.Kind == ChannelKind.Instagram ? "name,username" : "first_name,last_name";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Uri.EscapeDataString(id)}?fields={fields}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.CreateClient(ChannelsFeature.MetaGraph).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return null;
            var profile = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            var name = channel.Kind == ChannelKind.Instagram
                ? profile?["name"]?.ToString() is { Length: > 0 } n ? n : profile?["username"]?.ToString()
                : string.Join(' ', new[] { profile?["first_name"]?.ToString(), profile?["last_name"]?.ToString() }.Where(x => !string.IsNullOrWhiteSpace(x)));
            return string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            log.LogInformation(ex, "No {Kind} profile for {Id}", channel.Kind, id);
            return null;
        }
    }
}
