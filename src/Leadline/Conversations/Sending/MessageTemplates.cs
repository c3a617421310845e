using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

/// <summary>
/// A channel's approved WhatsApp templates: synced from <c>GET {graph}/{waba-id}/message_templates</c> on demand (the
/// Channels page, or the picker finding none), previewed for a lead with their parameters hydrated.
/// </summary>
public sealed class MessageTemplates(LeadlineDb db, IHttpClientFactory http, ChannelSecrets secrets, TimeProvider clock, ILogger<MessageTemplates> log)
    : IMessageTemplates
{
    /// <summary>The safety cap on Graph pages followed in one sync (Meta's pages hold up to 100 templates; a WABA has at most a few thousand).</summary>
    internal const int MaxPages = 500;

    public async Task<IReadOnlyList<MessageTemplate>> ListAsync(int channelId, CancellationToken ct)
    {
        var rows = await Query(channelId).ToListAsync(ct);
        if (rows.Count == 0 && await db.Channels.AnyAsync(c => c.Id == channelId && c.Kind == ChannelKind.Whatsapp, ct))
        {
            var synced = await SyncAsync(channelId, ct);
            if (synced.Succeeded)
                rows = await Query(channelId).ToListAsync(ct);
        }
        return rows.Select(ToContract).ToList();
    }

    public async Task<string> PreviewAsync(int leadId, int channelId, TemplateRequest request, CancellationToken ct)
    {
        var lead = await db.Leads.AsNoTracking().FirstOrDefaultAsync(l => l.Id == leadId, ct)
            ?? throw new InvalidOperationException($"No lead {leadId} in this workspace.");
        var owner = lead.OwnerId is { } ownerId ? await db.Users.Where(u => u.Id == ownerId).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
        var parameters = request.Parameters.Select(p => TemplateHydration.Hydrate(p, lead, owner)).ToList();
        var template = await FindAsync(channelId, request.Name, request.Language, ct);
        return Render(template, request.Name, parameters);
    }

    /// <summary>The template by name and language (an exact language first, then one of the same base language: en ~ en_US).</summary>
    internal async Task<WhatsappTemplate?> FindAsync(int channelId, string name, string language, CancellationToken ct)
    {
        // a channel that never synced syncs on first use (the picker or a send finding none)
        if (!await Query(channelId).AnyAsync(ct))
        {
            try
            {
                await SyncAsync(channelId, ct);
            }
            catch (HttpRequestException ex)
            {
                log.LogWarning("Template sync of channel {Channel} failed: {Error}", channelId, ex.Message);
            }
        }
        var candidates = await Query(channelId).Where(t => t.Name == name).ToListAsync(ct);
        if (candidates.Count == 0)
            return null;
        return candidates.FirstOrDefault(t => t.Language.Equals(language, StringComparison.OrdinalIgnoreCase))
            ?? candidates.FirstOrDefault(t => t.Language.Split('_')[0].Equals(language.Split('_')[0], StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>What the customer will read: the body filled in, or the name and parameters when the template is not synced.</summary>
    internal static string Render(WhatsappTemplate? template, string name, IReadOnlyList<string> parameters) =>
        template is not null ? TemplateHydration.Fill(template.Body, parameters)
            : parameters.Count == 0 ? $"[{name}]" : $"[{name}] {string.Join(" · ", parameters)}";

    /// <summary>Replaces the channel's stored templates with the approved ones Meta lists now.</summary>
    public async Task<Result<int>> SyncAsync(int channelId, CancellationToken ct)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Id == channelId, ct);
        if (channel is null || channel.Kind != ChannelKind.Whatsapp)
            return Result<int>.Missing();
        var settings = WhatsappSettings.Read(channel.Settings);
        var token = secrets.Read(channel, "accessToken");
        if (string.IsNullOrEmpty(settings.WabaId) || string.IsNullOrEmpty(token))
            return Result<int>.Invalid("settings.wabaId", "The channel needs its WABA id and access token to sync templates.");

        var listed = new List<JsonObject>();
        string? next = $"{Uri.EscapeDataString(settings.WabaId)}/message_templates?fields=name,language,status,category,components&limit=100";
        var client = http.CreateClient(ChannelsFeature.MetaGraph);
        var pages = 0;
        for (; next is not null; pages++)
        {
            if (pages == MaxPages)
            {
                // a WABA has at most a few thousand templates: this many pages means a paging loop, not a big account
                log.LogWarning("Template sync of channel {Channel} stopped after {Pages} pages ({Count} templates); templates not listed are kept", channelId, pages, listed.Count);
                break;
            }
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var error = WhatsappMessageSender.Describe(response.StatusCode, text);
                log.LogWarning("Template sync of channel {Channel} failed: {Error}", channelId, error);
                return Result<int>.Conflicting($"Meta refused the template list: {error}");
            }
            JsonNode? body;
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return Result<int>.Conflicting("Meta's template list could not be read.");
            }
            listed.AddRange(body?["data"]?.AsArray().OfType<JsonObject>() ?? []);
            next = body?["paging"]?["next"]?.GetValue<string>();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var existing = await Query(channelId).ToListAsync(ct);
        var kept = new HashSet<int>();
        foreach (var t in listed.Where(t => string.Equals(t["status"]?.ToString(), "APPROVED", StringComparison.OrdinalIgnoreCase)))
        {
            var name = t["name"]?.ToString();
            var language = t["language"]?.ToString();
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(language))
                continue;
            var components = t["components"] as JsonArray ?? [];
            var bodyText = components.OfType<JsonObject>().FirstOrDefault(c => string.Equals(c["type"]?.ToString(), "BODY", StringComparison.OrdinalIgnoreCase))?["text"]?.ToString() ?? "";
            var row = existing.FirstOrDefault(e => e.Name == name && e.Language == language);
            if (row is null)
            {
                row = new WhatsappTemplate { WorkspaceId = channel.WorkspaceId, ChannelId = channelId, Name = name, Language = language };
                db.Add(row);
                existing.Add(row);
            }
            row.Category = t["category"]?.ToString() ?? "";
            row.Status = "APPROVED";
            row.Body = bodyText.Length > 4000 ? bodyText[..4000] : bodyText;
            row.ParameterCount = TemplateHydration.ParameterCount(bodyText);
            row.Components = components.ToJsonString();
            row.SyncedAt = now;
            if (row.Id != 0)
                kept.Add(row.Id);
        }
        if (next is null)   // only a complete list says which templates are gone
            db.RemoveRange(existing.Where(e => e.Id != 0 && !kept.Contains(e.Id)));
        await db.SaveChangesAsync(ct);
        return Result<int>.Ok(existing.Count(e => e.Id != 0 && db.Entry(e).State != EntityState.Detached));
    }

    private IQueryable<WhatsappTemplate> Query(int channelId) =>
        db.Set<WhatsappTemplate>().Where(t => t.ChannelId == channelId).OrderBy(t => t.Name).ThenBy(t => t.Language);

    private static MessageTemplate ToContract(WhatsappTemplate t) => new(t.ChannelId, t.Name, t.Language, t.Category, t.Body, t.ParameterCount);
}
