using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Leads;

internal sealed class LeadConfiguration : IEntityTypeConfiguration<Lead>
{
    public void Configure(EntityTypeBuilder<Lead> b)
    {
        b.ToTable("leads");
        b.Ignore(l => l.Intents);
        // the fields' lengths come from the catalog; the derived columns hold what their field holds
        foreach (var field in LeadFields.All.Where(f => f.MaxLength is not null))
            b.Property(field.Property).HasMaxLength(field.MaxLength!.Value).IsRequired(field.Required);
        b.Property(l => l.EmailNormalized).HasMaxLength(LeadFields.Email.MaxLength!.Value);
        foreach (var name in new[] { nameof(Lead.PhoneE164), nameof(Lead.MobileE164), nameof(Lead.PhoneDigits), nameof(Lead.MobileDigits) })
            b.Property(name).HasMaxLength(LeadFields.Phone.MaxLength!.Value);
        b.Property(l => l.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.Version).IsConcurrencyToken();
        b.Property(l => l.LeadFlow).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.IntakeMode).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.Enquiry).HasMaxLength(4000);
        b.Property(l => l.ReferralSource).HasMaxLength(100);
        b.Property(l => l.ReferralAdId).HasMaxLength(100);
        b.Property(l => l.ReferralCtwaClid).HasMaxLength(500);
        b.Property(l => l.JobOutcome).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.ReviewRequestStatus).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.NextActionType).HasConversion<string>().HasMaxLength(20);
        b.Property(l => l.SlaState).HasConversion<string>().HasMaxLength(20);

        b.HasOne<Pipeline.Stage>().WithMany().HasForeignKey(l => l.StageId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Pipeline.PipelineDefinition>().WithMany().HasForeignKey(l => l.PipelineId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Identity.User>().WithMany().HasForeignKey(l => l.OwnerId).OnDelete(DeleteBehavior.SetNull);

        // the list's default order and keyset paging, the smart filters, the board column order. archived_at comes last in
        // the indexes of the smart filters, after the id that settles the order (SQLite keeps a row's id at the end of each
        // index entry: archived_at before it would break the order by created_at, id and cost a sort): the orders they give
        // are unchanged, and the capped count of a filter (the list's total, the start page's figures) is read from the index
        // alone, 10,001 entries in about a millisecond, where looking each lead up for its archive date took 30-40 ms on
        // SQLite at a million leads (migration 0016)
        b.HasIndex(l => new { l.WorkspaceId, l.ClosedAt });   // the lead-flow report's "leads closed" (0028)
        b.HasIndex(l => new { l.WorkspaceId, l.WhatsappInboundAt, l.ArchivedAt });
        // the Inbox's queues (0033, covering since 0039): actions by due time, waiting customers by how long they have
        // waited, and the sweeper's due SLAs across workspaces; partial, so the leads nobody has to act on (most of a
        // million) are not in them, and holding every column the queues' conditions read, so a count never visits a lead
        b.HasIndex(l => new { l.WorkspaceId, l.NextActionDueAt, l.Id, l.AwaitingReplySince, l.SlaDueAt, l.ArchivedAt }, "ix_leads_inbox_action")
            .HasFilter("\"next_action_due_at\" IS NOT NULL AND \"archived_at\" IS NULL");
        b.HasIndex(l => new { l.WorkspaceId, l.AwaitingReplySince, l.Id, l.SlaDueAt, l.ArchivedAt }, "ix_leads_inbox_waiting")
            .HasFilter("\"awaiting_reply_since\" IS NOT NULL AND \"archived_at\" IS NULL");
        b.HasIndex(l => l.SlaDueAt, "ix_leads_sla_due").HasFilter("\"sla_state\" = 'Due'");   // the list's whatsappWindow filter and its count (0032)
        b.HasIndex(l => new { l.WorkspaceId, l.CreatedAt, l.Id, l.ArchivedAt });
        b.HasIndex(l => new { l.WorkspaceId, l.Status, l.CreatedAt, l.Id, l.ArchivedAt });
        b.HasIndex(l => new { l.WorkspaceId, l.OwnerId, l.CreatedAt, l.Id, l.ArchivedAt });
        b.HasIndex(l => new { l.WorkspaceId, l.Score, l.Id, l.ArchivedAt });
        // the "No info" tab and the Enterprise filter, in the list's order: partial, so other leads cost nothing, and the list
        // no longer walks past every other lead to fill a page (100,000 imported small companies on top: 53 ms on SQLite).
        // SQLite uses a partial index only for a query that holds its condition word for word: LeadQueries.Filter writes
        // both as these (LeadQueryPlanTests)
        b.HasIndex(l => new { l.WorkspaceId, l.CreatedAt, l.Id, l.ArchivedAt }, "ix_leads_no_contact_info").HasFilter("NOT \"has_contact_info\"");
        b.HasIndex(l => new { l.WorkspaceId, l.CreatedAt, l.Id, l.ArchivedAt }, "ix_leads_enterprise")
            .HasFilter($"\"company_size\" >= {LeadFilter.EnterpriseEmployees} OR \"account_type\" = 'enterprise'");
        b.HasIndex(l => new { l.WorkspaceId, l.StageId, l.Position });
        // the list sorted by name: without it every lead was sorted for a page (4.4 s on SQLite, 0.5 s on PostgreSQL at a
        // million; migration 0018)
        b.HasIndex(l => new { l.WorkspaceId, l.Name, l.Id });
        // SQLite's search for an e-mail address (LeadQueries.Search). A lead by its phone or e-mail, as the duplicate check and
        // the import ask, comes from the match keys' index (lead_match_keys: "p:" and "e:" keys); script 0015 dropped the
        // phone and mobile indexes, which nothing read any more and every write paid for.
        b.HasIndex(l => new { l.WorkspaceId, l.EmailNormalized });
        b.HasIndex(l => new { l.WorkspaceId, l.Code }).IsUnique();
        // the leadFlow filter
        b.HasIndex(l => new { l.WorkspaceId, l.LeadFlow, l.CreatedAt });
        // the filter panel's city and post code, where nearly every value is held by a few leads, which the list otherwise
        // found by reading every lead: 2.8-4.6 s on SQLite, 0.6-0.8 s on PostgreSQL at a million (migration 0020). In the
        // list's order after the value, as the status and owner indexes, so a page reads them in order without statistics.
        // Not for the other exact filters: their values are mostly common, found quickly in the list's order, and each
        // index costs every write (these two: about a tenth of the import's speed on SQLite; docs/performance.md)
        b.HasIndex(l => new { l.WorkspaceId, l.City, l.CreatedAt, l.Id });
        b.HasIndex(l => new { l.WorkspaceId, l.PostalCode, l.CreatedAt, l.Id });
        // the work queue's two parts in order: never contacted (no activity date) by age, then the oldest contact (migration 0017)
        b.HasIndex(l => new { l.WorkspaceId, l.LastActivityAt, l.CreatedAt, l.Id });
        // the followUp filter (overdue, today) and the start page's count of it: partial, only the leads with a follow-up,
        // in the list's order with the date last, so a page walks it in order and a count reads it alone (an index on the
        // date itself made SQLite sort every overdue lead for a page: 70 ms at a million)
        b.HasIndex(l => new { l.WorkspaceId, l.CreatedAt, l.Id, l.ArchivedAt, l.NextFollowUpAt }, "ix_leads_follow_up").HasFilter("\"next_follow_up_at\" IS NOT NULL");
        // the reservation release sweep
        b.HasIndex(l => l.ReservedAt).HasFilter("\"reserved_at\" IS NOT NULL");
        // the board (BoardQueries, LeadMover): per-stage counts, a column's cards in order and a move's neighbours from the
        // index alone, unarchived leads only; owner_id and source for the board's filters. Migrations 0005, 0011.
        b.HasIndex(l => new { l.WorkspaceId, l.PipelineId, l.StageId, l.Position, l.Id, l.OwnerId, l.Source }, "ix_leads_board").HasFilter("\"archived_at\" IS NULL");
    }

    /// <summary>
    /// The search's trigram index, PostgreSQL only: ILIKE '%text%' on any of the five columns becomes a BitmapOr of one
    /// GIN index. Phones by their digits, so a number kept as typed is found too (migration 0021). SQLite's search index is an FTS5 table (migration 0007), which an EF model cannot describe.
    /// </summary>
    public static void AddPostgresSearch(ModelBuilder builder)
    {
        builder.HasPostgresExtension("pg_trgm");
        builder.Entity<Lead>().HasIndex(l => new { l.Name, l.Company, l.Email, l.PhoneDigits, l.MobileDigits }, "ix_leads_search")
            .HasDatabaseName("ix_leads_search").HasMethod("gin").HasOperators([.. Enumerable.Repeat("gin_trgm_ops", 5)]);
    }
}

internal sealed class LeadHistoryConfiguration : IEntityTypeConfiguration<LeadHistory>
{
    public void Configure(EntityTypeBuilder<LeadHistory> b)
    {
        b.ToTable("lead_history");
        b.Property(h => h.UserName).HasMaxLength(200).IsRequired();
        b.Property(h => h.Field).HasMaxLength(50).IsRequired();
        b.Property(h => h.Reason).HasMaxLength(200);
        b.HasIndex(h => new { h.WorkspaceId, h.LeadId, h.At });
        b.HasOne(h => h.Lead).WithMany().HasForeignKey(h => h.LeadId).OnDelete(DeleteBehavior.Cascade);
    }
}
