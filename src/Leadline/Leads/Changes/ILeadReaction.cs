using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Leadline.Leads.Changes;

/// <summary>
/// When a reaction runs relative to the others, declared once here: derived fields first (what the later phases read),
/// then the indexes kept beside leads, then the record of what changed, then what leaves the transaction after commit.
/// Wave 2's outbox, assignment and automations join the same phases.
/// </summary>
public enum LeadReactionPhase
{
    /// <summary>Fields computed from others on the lead itself (lead flow, closed time).</summary>
    Derive,

    /// <summary>Rows kept beside leads for look-ups (duplicate match keys, custom-field values).</summary>
    Index,

    /// <summary>The readable record (history rows, the version that is the ETag).</summary>
    Record,

    /// <summary>After commit: live page updates; wave 2: the outbox's dispatcher, assignment, automations.</summary>
    Publish,
}

/// <summary>
/// A reaction to lead changes. Every implementation in the app's assembly is registered by <see cref="LeadsFeature"/>,
/// so adding one is adding its file. Each hook has a no-op default: implement the ones the reaction needs.
/// </summary>
public interface ILeadReaction
{
    LeadReactionPhase Phase { get; }

    /// <summary>The changes of one EF save, before it writes and inside its transaction: set fields, add tracked rows.</summary>
    ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>
    /// Many new leads before they are written (their ids are set): set their fields in memory, or add rows to write beside
    /// them; <paramref name="db"/> is the writer's context, inside its transaction, for look-ups.
    /// </summary>
    ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, DbContext db, CancellationToken ct) => ValueTask.CompletedTask;

    /// <summary>A set-based update of leads about to run: add the columns this reaction derives to its one UPDATE.</summary>
    void OnBulkUpdate(LeadsRecategorised change, UpdateSettersBuilder<Lead> setters)
    {
    }

    /// <summary>After the transaction that made <paramref name="changes"/> committed (never for a rolled-back one).</summary>
    ValueTask OnCommittedAsync(IReadOnlyList<LeadChange> changes, CancellationToken ct) => ValueTask.CompletedTask;
}

/// <summary>The changes of one save, with the context they are saved through and who made them.</summary>
public sealed class LeadChangeSet(DbContext db, IReadOnlyList<LeadChange> changes, DateTime now, int? userId, string userName)
{
    /// <summary>Derived or bookkeeping columns: their change is implied by a change a person made, so no event names them.</summary>
    public static readonly IReadOnlySet<string> Bookkeeping = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(Lead.UpdatedAt), nameof(Lead.CreatedAt), nameof(Lead.Version), nameof(Lead.Position), nameof(Lead.EmailNormalized),
        nameof(Lead.PhoneE164), nameof(Lead.MobileE164), nameof(Lead.PhoneDigits), nameof(Lead.MobileDigits), nameof(Lead.HasContactInfo),
        nameof(Lead.Status), nameof(Lead.PipelineId), nameof(Lead.StageChangedAt), nameof(Lead.WorkspaceId), nameof(Lead.Id),
        nameof(Lead.LeadFlow), nameof(Lead.LastActivityAt), nameof(Lead.FirstResponseAt),
        nameof(Lead.LastInboundAt), nameof(Lead.WhatsappInboundAt),   // each inbound message moves them: LeadWroteIn
        nameof(Lead.JobOutcomeAt), nameof(Lead.ReviewRequestAt),   // the time of the outcome / review status beside it, recorded by that change
        nameof(Lead.SlaState), nameof(Lead.SlaDueAt), nameof(Lead.AwaitingReplySince),   // each message moves them: LeadWroteIn, LeadRepliedTo
    };

    public DbContext Db { get; } = db;

    public IReadOnlyList<LeadChange> Changes { get; } = changes;

    public DateTime Now { get; } = now;

    public int? UserId { get; } = userId;

    public string UserName { get; } = userName;

    public IEnumerable<T> OfType<T>() where T : LeadChange => Changes.OfType<T>();

    /// <summary>Every lead this save creates or changes, once each.</summary>
    public IEnumerable<Lead> Leads => Changes.OfType<SingleLeadChange>().Select(c => c.Lead).Distinct();
}

/// <summary>Rows to write beside a bulk insert's leads, each list in its table, in the order the reactions added them.</summary>
public sealed class BulkRows
{
    private readonly List<(Type Type, Task<System.Collections.IList> Rows)> _tables = [];

    public void Add<T>(IReadOnlyList<T> rows) where T : class => _tables.Add((typeof(T), Task.FromResult<System.Collections.IList>(rows.ToList())));

    /// <summary>Rows that take CPU work to derive: computed on another core while the leads are written.</summary>
    public void Add<T>(Func<IReadOnlyList<T>> rows) where T : class =>
        _tables.Add((typeof(T), Task.Run<System.Collections.IList>(() => rows().ToList())));

    internal IReadOnlyList<(Type Type, Task<System.Collections.IList> Rows)> Tables => _tables;
}
