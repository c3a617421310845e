using Leadline.Channels;
using Leadline.Leads;

namespace Leadline.Conversations.Sending;

/// <summary>What a send carries before a channel turns it into its provider's shape: a text (with a subject for e-mail) or a template.</summary>
public sealed record OutgoingContent(string? Text, string? Subject, TemplateRequest? Template);

/// <summary>
/// A channel's way of sending, as the outbox will carry it: the recipient, the <see cref="IOutboxSender"/> kind, the
/// payload it reads, and what the timeline shows (type, text, subject). Or why nothing can be sent (<see cref="Refused"/>).
/// </summary>
public sealed record TransportPlan(string OutboxKind, string Target, string Payload, MessageType Type, string? Text, string? Subject)
{
    public SendRefusal? Refused { get; init; }

    /// <summary>What the timeline keeps of the request (the message's Payload JSON), e.g. the template as asked and as hydrated.</summary>
    public string? MessagePayload { get; init; }

    public static TransportPlan Refuse(string code, string message, string? field = null) =>
        new("", "", "", MessageType.Unknown, null, null) { Refused = new SendRefusal(code, message, field) };
}

/// <summary>
/// One channel kind's way out (WhatsApp's Cloud API, Twilio SMS, SMTP e-mail, Meta's Send API): registered as
/// <c>IChannelTransport</c>, chosen by <see cref="Kind"/> by <see cref="ConversationSender"/>, which owns everything the
/// kinds share (validation of the text, the lead, the channel choice, the message and outbox rows in one transaction).
/// Its outbox side is an <see cref="Outbox.IOutboxSender"/> whose Kind is the plan's <see cref="TransportPlan.OutboxKind"/>.
/// </summary>
public interface IChannelTransport
{
    ChannelKind Kind { get; }

    /// <summary>Whether a customer who wrote on this kind is answered on it (a web form cannot be answered).</summary>
    bool CanReply { get; }

    /// <summary>Whether the lead has an address on this kind (an e-mail, a mobile number, a WhatsApp identity...).</summary>
    Task<bool> CanReachAsync(Lead lead, CancellationToken ct);

    /// <summary>The send on <paramref name="channel"/> (active, of this kind) to <paramref name="lead"/>, or why not (<c>windowClosed</c>, <c>noChannel</c>, <c>invalid</c>).</summary>
    Task<TransportPlan> PlanAsync(Lead lead, Channel channel, OutgoingContent content, DateTime now, CancellationToken ct);
}
