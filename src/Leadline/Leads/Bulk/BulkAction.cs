using Leadline.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Leads.Bulk;

/// <summary>What a bulk action does to each selected lead (the API's <c>action</c>, camelCase); <see cref="Undo"/> reverses another.</summary>
public enum BulkActionKind
{
    AssignOwner,
    MoveToStage,
    AddTag,
    RemoveTag,
    AddToList,
    Archive,
    Undo,
}

public enum BulkActionStatus
{
    Queued,
    Running,
    Completed,
    Failed,
    /// <summary>Stopped by its user: the batches before it stay (and can be undone).</summary>
    Cancelled,
}

/// <summary>
/// One bulk action over selected leads (ids, or every lead a list filter matches), run in batches on the lead write path.
/// Its counters are written in each batch's transaction, so they are exactly what was committed, and
/// <see cref="LastLeadId"/> is where a second instance resumes when this one's heartbeat stops.
/// </summary>
public sealed class BulkAction : IWorkspaceOwned
{
    public int Id { get; set; }

    public int WorkspaceId { get; set; }

    /// <summary>Who started it: the permission table is asked for this user's role, and the history names them.</summary>
    public int UserId { get; set; }

    public BulkActionKind Kind { get; set; }

    /// <summary>JSON of <see cref="BulkParameters"/>.</summary>
    public string Parameters { get; set; } = "{}";

    /// <summary>The selected ids as a JSON array, or null when <see cref="Filter"/> selects.</summary>
    public string? LeadIds { get; set; }

    /// <summary>The lead list's query string ("all N matching"); leads are taken in id order, so a lead the action moves out of the filter is not lost.</summary>
    public string? Filter { get; set; }

    /// <summary>The action an <see cref="BulkActionKind.Undo"/> reverses.</summary>
    public int? UndoOfId { get; set; }

    /// <summary>The undo that reversed this action (an action is undone once).</summary>
    public int? UndoneById { get; set; }

    public BulkActionStatus Status { get; set; }

    public int Total { get; set; }

    public int Processed { get; set; }

    public int Changed { get; set; }

    /// <summary>Leads that already were as asked (the owner already theirs, the tag already on).</summary>
    public int Unchanged { get; set; }

    public int Refused { get; set; }

    /// <summary>Why leads were refused, JSON <c>{ "not yours to archive": 3 }</c>.</summary>
    public string Refusals { get; set; } = "{}";

    /// <summary>The highest lead id done: the next batch starts after it.</summary>
    public int LastLeadId { get; set; }

    public string? Error { get; set; }

    /// <summary>The app process running it, and its last sign of life (a batch or a beat).</summary>
    public string Instance { get; set; } = "";

    public DateTime HeartbeatAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? FinishedAt { get; set; }
}

/// <summary>What a bulk action changed on one lead: the values before it (for the undo) and the lead's version after it.</summary>
public sealed class BulkActionLead : IWorkspaceOwned
{
    public int WorkspaceId { get; set; }

    public int ActionId { get; set; }

    public int LeadId { get; set; }

    /// <summary>JSON of <see cref="BulkBefore"/>.</summary>
    public string Before { get; set; } = "{}";

    /// <summary>An undo refuses the lead when its version moved on since (someone changed it afterwards).</summary>
    public int VersionAfter { get; set; }
}

/// <summary>The parameters of an action; only those of its kind are read.</summary>
public sealed record BulkParameters(int? OwnerId = null, int? StageId = null, string? LostReason = null, string? Tag = null, int? ListId = null);

/// <summary>The fields an action changed, as they were before it.</summary>
public sealed record BulkBefore(
    int? OwnerId = null, int? StageId = null, double? Position = null, string? LostReason = null, List<string>? Tags = null, DateTime? ArchivedAt = null, int? ListId = null);

internal sealed class BulkActionConfiguration : IEntityTypeConfiguration<BulkAction>, IEntityTypeConfiguration<BulkActionLead>
{
    public void Configure(EntityTypeBuilder<BulkAction> b)
    {
        b.ToTable("bulk_actions");
        b.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Parameters).HasMaxLength(2000);
        b.Property(a => a.Filter).HasMaxLength(4000);
        b.Property(a => a.Refusals).HasMaxLength(4000);
        b.Property(a => a.Error).HasMaxLength(1000);
        b.Property(a => a.Instance).HasMaxLength(40);
        // a claim by another instance moves it: a batch still arriving from the old one fails and is not applied
        b.Property(a => a.HeartbeatAt).IsConcurrencyToken();
        // the worker's claim looks for queued and stalled actions across workspaces
        b.HasIndex(a => new { a.Status, a.HeartbeatAt });
        b.HasIndex(a => new { a.WorkspaceId, a.UserId, a.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<BulkActionLead> b)
    {
        b.ToTable("bulk_action_leads");
        b.HasKey(r => new { r.ActionId, r.LeadId });
        b.HasOne<BulkAction>().WithMany().HasForeignKey(r => r.ActionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Before).HasMaxLength(4000);
    }
}
