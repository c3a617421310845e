using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Outbox;

/// <summary>Pending → Sending (claimed, with a lease) → Sent; or back to Pending with a later attempt; or Failed (dead letter).</summary>
public enum OutboxStatus
{
    Pending,
    Sending,
    Sent,
    Failed,
}

/// <summary>
/// An outbound effect (a WhatsApp message, a notification, a webhook call), written in the same transaction as the change
/// that causes it and sent afterwards by the dispatcher of any instance. <see cref="Kind"/> picks the <see cref="IOutboxSender"/>;
/// <see cref="IdempotencyKey"/> is unique, so the same effect is never queued twice.
/// </summary>
public sealed class OutboxMessage : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public string Kind { get; set; } = "";

    /// <summary>Who or what it goes to, for people reading the outbox (a phone number, an address, a URL).</summary>
    public string Target { get; set; } = "";

    /// <summary>What the sender needs, as JSON.</summary>
    public string Payload { get; set; } = "{}";

    public string IdempotencyKey { get; set; } = "";

    /// <summary>The conversation message this sends, when it sends one: its status follows.</summary>
    public long? MessageId { get; set; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    /// <summary>While Sending: until when the claiming instance holds it (after that another instance may take it over).</summary>
    public DateTime? LeaseUntil { get; set; }

    public string? ClaimedBy { get; set; }

    public string? LastError { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? SentAt { get; set; }
}

/// <summary>Sends one kind of outbox message (registered per <see cref="Kind"/>).</summary>
public interface IOutboxSender
{
    string Kind { get; }

    Task<OutboxSendResult> SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>What a send came to: sent (with the provider's id), worth retrying later, or refused for good (dead letter).</summary>
public sealed record OutboxSendResult(OutboxSendOutcome Outcome, string? ProviderId = null, string? Error = null)
{
    public static OutboxSendResult Sent(string? providerId) => new(OutboxSendOutcome.Sent, providerId);

    public static OutboxSendResult Retry(string error) => new(OutboxSendOutcome.Retry, Error: error);

    public static OutboxSendResult Refused(string error) => new(OutboxSendOutcome.Refused, Error: error);
}

public enum OutboxSendOutcome
{
    Sent,
    Retry,
    Refused,
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox");
        b.Property(o => o.Kind).HasMaxLength(50).IsRequired();
        b.Property(o => o.Target).HasMaxLength(500).IsRequired();
        b.Property(o => o.Payload).IsRequired();
        b.Property(o => o.IdempotencyKey).HasMaxLength(200).IsRequired();
        b.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(o => o.ClaimedBy).HasMaxLength(100);
        b.Property(o => o.LastError).HasMaxLength(2000);
        b.HasIndex(o => o.IdempotencyKey).IsUnique();
        // the dispatcher's claim: what is due, across workspaces
        b.HasIndex(o => new { o.Status, o.NextAttemptAt });
        b.HasIndex(o => new { o.WorkspaceId, o.Status, o.Id });
    }
}
