using Leadline.Common.Files;
using Leadline.Conversations.Pages;
using Leadline.Common.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadline.Conversations;

/// <summary>
/// The browser's side of a lead's conversation: the Messages panel and its thread fragment (re-fetched live), the media of
/// a message, and replies (free text or a template) through <see cref="IConversationSender"/>.
/// </summary>
internal static class ConversationPageEndpoints
{
    public static void MapConversationPageEndpoints(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/leads/{id:int}/messages").RequirePermission(Permission.LeadsRead);
        var write = app.MapGroup("/leads/{id:int}/messages").RequirePermission(Permission.LeadsWrite);

        read.MapGet("/panel", (int id, int? compact, HttpContext http, CancellationToken ct) =>
            PanelAsync(http, id, compact == 1, new PanelState(), ct));

        read.MapGet("/thread", async (int id, int? compact, ConversationViews views, CancellationToken ct) =>
            await views.PanelAsync(id, compact == 1, ct) is { } panel
                ? new RazorComponentResult<MessageThread>(new { panel.LeadId, panel.Items, panel.Clock, panel.Compact })
                : Results.NotFound("No such lead."));

        // the stored file, for a user who can see the lead; types a browser could run are downloaded, not shown
        read.MapGet("/{messageId:long}/media", async (int id, long messageId, ConversationViews views, IFileStorage files, CancellationToken ct) =>
        {
            if (await views.MediaAsync(id, messageId, ct) is not { } media || await files.OpenAsync(media.Key, ct) is not { } stream)
                return Results.NotFound("No such file.");
            var type = media.MimeType?.Split(';')[0].Trim().ToLowerInvariant();
            var inline = type is not null && (type is "image/jpeg" or "image/png" or "image/gif" or "image/webp" or "application/pdf"
                || type.StartsWith("audio/", StringComparison.Ordinal) || type.StartsWith("video/", StringComparison.Ordinal));
            return inline
                ? Results.Stream(stream, type, enableRangeProcessing: true)
                : Results.Stream(stream, "application/octet-stream", media.FileName ?? $"message-{messageId}");
        });

        read.MapGet("/template-fields", async (int id, string? template, HttpContext http, CancellationToken ct) =>
        {
            var views = http.RequestServices.GetRequiredService<ConversationViews>();
            var channelId = await views.WhatsappChannelAsync(id, ct);
            var chosen = channelId is null ? null : (await TemplatesAsync(http, channelId.Value, ct)).FirstOrDefault(t => MessagesPanel.TemplateKey(t) == template);
            return chosen is null
                ? Results.Content("", "text/html")
                : new RazorComponentResult<TemplateFields>(new { LeadId = id, Template = chosen });
        });

        write.MapPost("/template-preview", async (int id, HttpContext http, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var views = http.RequestServices.GetRequiredService<ConversationViews>();
            var templates = http.RequestServices.GetService<IMessageTemplates>();
            var channelId = await views.WhatsappChannelAsync(id, ct);
            if (templates is null || channelId is null || TemplateOf(form) is not { } request)
                return Results.Content("<span class=\"text-secondary\">Choose a template first.</span>", "text/html");
            var preview = await templates.PreviewAsync(id, channelId.Value, request, ct);
            return Results.Content(System.Text.Encodings.Web.HtmlEncoder.Default.Encode(preview), "text/html");
        });

        write.MapPost("/reply", async (int id, int? compact, HttpContext http, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            var text = form["text"].ToString();
            if (string.IsNullOrWhiteSpace(text))
                return await PanelAsync(http, id, compact == 1, new PanelState(Refusal: "Write something to send."), ct);
            if (http.RequestServices.GetService<IConversationSender>() is not { } sender)
                return await PanelAsync(http, id, compact == 1, new PanelState(Refusal: "Sending is not available yet.", Text: text), ct);
            // the channel the box offered (the customer's last one by default); none posted: the sender's default
            int? channelId = int.TryParse(form["channelId"], out var chosen) ? chosen : null;
            var subject = form["subject"].ToString();
            var outcome = await sender.SendTextAsync(id, channelId, text.Trim(), subject, ct);
            return await PanelAsync(http, id, compact == 1, outcome.Refused is { } refused
                ? new PanelState(Refusal: refused.Message, Text: text, Subject: subject)
                : new PanelState(Notice: "Queued: it goes out in a moment."), ct);
        });

        write.MapPost("/template", async (int id, int? compact, HttpContext http, CancellationToken ct) =>
        {
            var form = await http.Request.ReadFormAsync(ct);
            if (TemplateOf(form) is not { } request)
                return await PanelAsync(http, id, compact == 1, new PanelState(Refusal: "Choose a template."), ct);
            if (http.RequestServices.GetService<IConversationSender>() is not { } sender)
                return await PanelAsync(http, id, compact == 1, new PanelState(Refusal: "Sending is not available yet."), ct);
            var channelId = await http.RequestServices.GetRequiredService<ConversationViews>().WhatsappChannelAsync(id, ct);
            var outcome = await sender.SendTemplateAsync(id, channelId, request, ct);
            return await PanelAsync(http, id, compact == 1, outcome.Refused is { } refused
                ? new PanelState(Refusal: refused.Message, Template: form["template"].ToString(), Parameters: request.Parameters)
                : new PanelState(Notice: $"Template \"{request.Name}\" queued."), ct);
        });
    }

    private sealed record PanelState(
        string? Notice = null, string? Refusal = null, string? Text = null, string? Template = null, IReadOnlyList<string>? Parameters = null, string? Subject = null);

    private static TemplateRequest? TemplateOf(IFormCollection form)
    {
        var key = form["template"].ToString();
        var bar = key.LastIndexOf('|');
        if (bar <= 0 || bar == key.Length - 1)
            return null;
        return new TemplateRequest(key[..bar], key[(bar + 1)..], form["parameters"].Select(p => p ?? "").ToList());
    }

    private static async Task<IReadOnlyList<MessageTemplate>> TemplatesAsync(HttpContext http, int channelId, CancellationToken ct) =>
        http.RequestServices.GetService<IMessageTemplates>() is { } templates ? await templates.ListAsync(channelId, ct) : [];

    private static async Task<IResult> PanelAsync(HttpContext http, int id, bool compact, PanelState state, CancellationToken ct)
    {
        var panel = await http.RequestServices.GetRequiredService<ConversationViews>().PanelAsync(id, compact, ct);
        if (panel is null)
            return Results.NotFound("No such lead.");
        var templates = panel.WhatsappChannelId is { } channelId ? await TemplatesAsync(http, channelId, ct) : [];
        return new RazorComponentResult<MessagesPanel>(new
        {
            Panel = panel,
            Templates = templates,
            state.Notice,
            state.Refusal,
            state.Text,
            state.Subject,
            ChosenTemplate = state.Template,
            state.Parameters,
        });
    }
}
