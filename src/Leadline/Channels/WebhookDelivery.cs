using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Channels;

/// <summary>
/// A provider's webhook delivery exactly as it arrived (after its signature was checked): stored before the provider is
/// answered, processed afterwards by a worker, so nothing Meta or Twilio sent is lost when processing fails or the app stops.
/// </summary>
public sealed class WebhookDelivery : IWorkspaceOwned
{
    public long Id { get; set; }

    public int WorkspaceId { get; set; }

    public int ChannelId { get; set; }

    public string Body { get; set; } = "";

    public DateTime ReceivedAt { get; set; }

    /// <summary>Null until processed: what the worker looks for.</summary>
    public DateTime? ProcessedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>While a worker processes it: until when it holds the delivery.</summary>
    public DateTime? LeaseUntil { get; set; }

    public string? Error { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.Property(d => d.Body).IsRequired();
        b.Property(d => d.Error).HasMaxLength(2000);
        b.HasOne<Channel>().WithMany().HasForeignKey(d => d.ChannelId).OnDelete(DeleteBehavior.Cascade);
        // the worker's look for unprocessed deliveries, oldest first
        b.HasIndex(d => new { d.ProcessedAt, d.Id });
    }
}
