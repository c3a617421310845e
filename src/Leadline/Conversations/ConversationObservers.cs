using Leadline.Leads;

namespace Leadline.Conversations;

/// <summary>
/// Reacts to a conversation moving, inside the transaction that moves it (so what it changes commits with the message,
/// or not at all): the response discipline (first-response time, SLA, next action) and whatever else follows a message.
/// Every registered observer is called; each may change the tracked <see cref="Lead"/>, which the caller saves.
/// </summary>
public interface IConversationObserver
{
    /// <summary>The customer wrote: <paramref name="message"/> is inbound on <paramref name="lead"/> (tracked), not saved yet or just saved.</summary>
    Task CustomerWroteAsync(Lead lead, Message message, CancellationToken ct);

    /// <summary>
    /// Someone of the business answered: <paramref name="message"/> was queued (a reply, a template, an e-mail) on
    /// <paramref name="lead"/> (tracked). <paramref name="byUser"/> is false for automatic sends (reminders, automations).
    /// </summary>
    Task ReplyQueuedAsync(Lead lead, Message message, bool byUser, CancellationToken ct);
}

/// <summary>Calls every registered <see cref="IConversationObserver"/> in turn.</summary>
public sealed class ConversationObservers(IEnumerable<IConversationObserver> observers)
{
    public async Task CustomerWroteAsync(Lead lead, Message message, CancellationToken ct)
    {
        foreach (var observer in observers)
            await observer.CustomerWroteAsync(lead, message, ct);
    }

    public async Task ReplyQueuedAsync(Lead lead, Message message, bool byUser, CancellationToken ct)
    {
        foreach (var observer in observers)
            await observer.ReplyQueuedAsync(lead, message, byUser, ct);
    }
}
