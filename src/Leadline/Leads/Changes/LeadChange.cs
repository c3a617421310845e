using Leadline.Pipeline;

namespace Leadline.Leads.Changes;

/// <summary>
/// Something that happened to leads, raised inside the transaction that does it by <see cref="LeadWritePath"/>: from the
/// change tracker's diff on every EF save, from an intent method on <see cref="Lead"/> (merged), or from one of the
/// path's bulk operations (imports, seeding, a stage's new category). <see cref="ILeadReaction"/>s subscribe to them.
/// </summary>
public abstract record LeadChange(int WorkspaceId);

/// <summary>A change of one lead; <see cref="Lead"/> is the tracked entity as it is being saved.</summary>
public abstract record SingleLeadChange(Lead Lead) : LeadChange(Lead.WorkspaceId);

public sealed record LeadCreated(Lead Lead) : SingleLeadChange(Lead);

/// <summary>One changed field: its property name on <see cref="Lead"/> and its values before and after.</summary>
public sealed record FieldChange(string Property, object? From, object? To);

/// <summary>The fields a save changed, bookkeeping and derived columns left out (<see cref="LeadChangeSet.Bookkeeping"/>).</summary>
public sealed record LeadFieldsChanged(Lead Lead, IReadOnlyList<FieldChange> Changes) : SingleLeadChange(Lead);

public sealed record LeadStageChanged(Lead Lead, int FromStageId, StageCategory FromCategory) : SingleLeadChange(Lead);

public sealed record LeadOwnerChanged(Lead Lead, int? FromOwnerId) : SingleLeadChange(Lead);

public sealed record LeadArchived(Lead Lead) : SingleLeadChange(Lead);

public sealed record LeadRestored(Lead Lead) : SingleLeadChange(Lead);

/// <summary>Only the board position changed (a reorder): no field a person reads, so no history and no new version.</summary>
public sealed record LeadRepositioned(Lead Lead) : SingleLeadChange(Lead);

/// <summary>A note, call, e-mail or meeting was recorded on the lead (its last activity moved).</summary>
public sealed record LeadInteracted(Lead Lead, DateTime At) : SingleLeadChange(Lead);

/// <summary>The customer wrote to us at <paramref name="At"/> (raised by <see cref="Lead.RecordInbound"/>).</summary>
public sealed record LeadWroteIn(Lead Lead, DateTime At) : SingleLeadChange(Lead);

/// <summary>
/// A reply to the customer was queued at <paramref name="At"/> (raised by <see cref="Lead.RecordReply"/>); what else the
/// same save changes on the lead (its stage, its next action) the history records as done by <paramref name="Why"/>.
/// </summary>
public sealed record LeadRepliedTo(Lead Lead, DateTime At, string Why) : SingleLeadChange(Lead);

/// <summary>The first-response SLA passed without a reply (raised by <see cref="Lead.MarkSlaBreached"/>).</summary>
public sealed record LeadSlaBreached(Lead Lead) : SingleLeadChange(Lead);

/// <summary><paramref name="Duplicates"/> were merged into <see cref="SingleLeadChange.Lead"/> (raised by <see cref="Lead.AbsorbDuplicates"/>).</summary>
public sealed record LeadMerged(Lead Lead, IReadOnlyList<Lead> Duplicates) : SingleLeadChange(Lead);

/// <summary>Many new leads written at once (import, demo data); reactions add their rows set-based.</summary>
public sealed record LeadsCreatedInBulk(int WorkspaceId, IReadOnlyList<Lead> Leads, DateTime At, int? UserId, string UserName) : LeadChange(WorkspaceId);

/// <summary>A stage's new category re-categorised every lead in it, in one UPDATE.</summary>
public sealed record LeadsRecategorised(int WorkspaceId, int StageId, StageCategory From, StageCategory To, DateTime At) : LeadChange(WorkspaceId);

/// <summary>Board positions of a column were spread out again (positions only, no version).</summary>
public sealed record ColumnRespaced(int WorkspaceId, int StageId) : LeadChange(WorkspaceId);
