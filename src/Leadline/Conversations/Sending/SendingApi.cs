using Leadline.Channels;
using Leadline.Common.Api;
using Leadline.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Conversations.Sending;

public sealed record TemplateInput(string? Name, string? Language, List<string>? Parameters);

/// <summary><c>POST /api/v1/leads/{id}/messages</c>: a text (<c>text</c>, <c>subject?</c>) or a <c>template</c>; <c>channelId?</c>.</summary>
public sealed record SendMessageRequest(int? ChannelId, string? Text, string? Subject, TemplateInput? Template);

/// <summary>A message as API.md shows it (the queued reply the POST answers with).</summary>
public sealed record OutboundMessageResponse(
    long Id, int ChannelId, string Channel, string Direction, string Type, string? Text, string? Subject, string Status, string? Error,
    string? ProviderMessageId, DateTime At, string? UserName);

internal static class SendingApi
{
    public static void MapSendingApi(this RouteGroupBuilder api)
    {
        api.MapPost("/leads/{id:int}/messages", SendAsync).WithTags("Conversations").WithName("SendMessage").RequirePermission(Permission.LeadsWrite);
        api.MapGet("/channels/{id:int}/templates", async (int id, IMessageTemplates templates, LeadlineDb db, CancellationToken ct) =>
            {
                if (!await db.Channels.AnyAsync(c => c.Id == id, ct))
                    return ApiResults.NotFound("No such channel.");
                var items = await templates.ListAsync(id, ct);
                return Results.Ok(new Page<MessageTemplate>(items, null, items.Count));
            })
            .WithTags("Channels").WithName("ListChannelTemplates").RequirePermission(Permission.LeadsRead);
        api.MapPost("/channels/{id:int}/templates/sync", async (int id, MessageTemplates templates, CancellationToken ct) =>
            {
                var result = await templates.SyncAsync(id, ct);
                return result.Succeeded ? Results.Ok(new { synced = result.Value }) : ApiResults.Problem(result);
            })
            .WithTags("Channels").WithName("SyncChannelTemplates").RequirePermission(Permission.ChannelsManage);
        api.MapPost("/leads/{id:int}/messages/preview", async (int id, SendMessageRequest request, IMessageTemplates templates, LeadlineDb db, CancellationToken ct) =>
            {
                if (request.Template is not { Name: { } name, Language: { } language } t)
                    return ApiResults.Problem(Result<object>.Invalid("template", "Choose a template (name and language)."));
                if (!await db.Leads.AnyAsync(l => l.Id == id, ct))
                    return ApiResults.NotFound("No such lead.");
                var channelId = request.ChannelId ?? await db.Channels.Where(c => c.Kind == ChannelKind.Whatsapp && c.Active).OrderBy(c => c.Id).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
                if (channelId is null)
                    return ApiResults.Problem(Result<object>.Invalid("channelId", "No WhatsApp channel to preview the template for."));
                return Results.Ok(new { text = await templates.PreviewAsync(id, channelId.Value, new TemplateRequest(name, language, t.Parameters ?? []), ct) });
            })
            .WithTags("Conversations").WithName("PreviewTemplate").RequirePermission(Permission.LeadsRead);
    }

    private static async Task<IResult> SendAsync(int id, SendMessageRequest request, IConversationSender sender, LeadlineDb db, CancellationToken ct)
    {
        if (request.Template is not null && request.Text is not null)
            return ApiResults.Problem(Result<object>.Invalid("text", "Send either a text or a template, not both."));
        var outcome = request.Template is { } t
            ? await sender.SendTemplateAsync(id, request.ChannelId, new TemplateRequest(t.Name ?? "", t.Language ?? "", t.Parameters ?? []), ct)
            : await sender.SendTextAsync(id, request.ChannelId, request.Text ?? "", request.Subject, ct);
        if (outcome.Refused is { } refusal)
            return Refusal(refusal);
        var message = outcome.Queued!;
        return Results.Accepted($"/api/v1/leads/{id}/messages", await ToResponseAsync(db, message, ct));
    }

    /// <summary>invalid → 400 naming the field; notFound → 404; windowClosed and noChannel → 409 with the code.</summary>
    internal static IResult Refusal(SendRefusal refusal) => refusal.Code switch
    {
        "invalid" => ApiResults.Problem(Result<object>.Invalid(refusal.Field ?? "text", refusal.Message)),
        "notFound" => ApiResults.NotFound(refusal.Message),
        _ => TypedResults.Problem(refusal.Message, statusCode: StatusCodes.Status409Conflict, title: refusal.Code == "windowClosed" ? "Conversation window closed" : "No channel",
            type: refusal.Code, extensions: new Dictionary<string, object?> { ["code"] = refusal.Code }),
    };

    internal static async Task<OutboundMessageResponse> ToResponseAsync(LeadlineDb db, Message m, CancellationToken ct)
    {
        var kind = await db.Channels.Where(c => c.Id == m.ChannelId).Select(c => (ChannelKind?)c.Kind).FirstOrDefaultAsync(ct);
        var user = m.UserId is { } userId ? await db.Users.Where(u => u.Id == userId).Select(u => u.Name).FirstOrDefaultAsync(ct) : null;
        return new OutboundMessageResponse(m.Id, m.ChannelId, Lower(kind?.ToString() ?? "unknown"), Lower(m.Direction.ToString()), Lower(m.Type.ToString()), m.Text, m.Subject,
            Lower(m.Status.ToString()), m.Error, m.ProviderMessageId, m.At, user);
    }

    private static string Lower(string s) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s);
}
