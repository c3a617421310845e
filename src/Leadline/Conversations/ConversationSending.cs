namespace Leadline.Conversations;

/// <summary>A WhatsApp template to send: its name and language, and parameters that may hold placeholders (<c>{{lead.name}}</c>).</summary>
public sealed record TemplateRequest(string Name, string Language, IReadOnlyList<string> Parameters);

/// <summary>
/// Why a send was refused before anything was queued: <c>windowClosed</c> (free text on WhatsApp outside the 24-hour
/// customer-service window), <c>noChannel</c> (nothing can reach the lead), <c>invalid</c> (the request itself; Field says which).
/// </summary>
public sealed record SendRefusal(string Code, string Message, string? Field = null);

/// <summary>A queued message, or why none was queued.</summary>
public sealed record SendOutcome(Message? Queued, SendRefusal? Refused)
{
    public static SendOutcome Of(Message queued) => new(queued, null);

    public static SendOutcome Refuse(string code, string message, string? field = null) => new(null, new SendRefusal(code, message, field));
}

/// <summary>
/// Sends to a lead on its conversation: the message is stored (queued) and put in the outbox in one transaction, and the
/// outbox's dispatcher sends it. Without a channel: the one the customer last wrote on when it can reply (API.md).
/// The current user (if any) is recorded as the sender.
/// </summary>
public interface IConversationSender
{
    Task<SendOutcome> SendTextAsync(int leadId, int? channelId, string text, string? subject, CancellationToken ct);

    Task<SendOutcome> SendTemplateAsync(int leadId, int? channelId, TemplateRequest request, CancellationToken ct);
}

/// <summary>An approved WhatsApp template of a channel, as synced from the Graph API.</summary>
public sealed record MessageTemplate(int ChannelId, string Name, string Language, string Category, string Body, int ParameterCount);

/// <summary>The channel's templates and what a template would say to a lead once its parameters are filled in.</summary>
public interface IMessageTemplates
{
    /// <summary>The approved templates of a channel (from the last sync).</summary>
    Task<IReadOnlyList<MessageTemplate>> ListAsync(int channelId, CancellationToken ct);

    /// <summary>The template's body with its parameters hydrated for the lead (<c>{{1}}</c> ← <c>{{lead.name}}</c> ← "Wong Ka Ming").</summary>
    Task<string> PreviewAsync(int leadId, int channelId, TemplateRequest request, CancellationToken ct);
}
