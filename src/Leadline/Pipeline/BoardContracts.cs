namespace Leadline.Pipeline;

public sealed record StageResponse(int Id, string Name, StageCategory Category, int Order, string Color, int? RottingDays);

public sealed record PipelineResponse(int Id, string Name, bool IsDefault, IReadOnlyList<StageResponse> Stages);

/// <summary>A card on the board: just what the column shows.</summary>
public sealed record BoardCard(
    int Id,
    string Name,
    string? Company,
    int Score,
    int? OwnerId,
    string? OwnerName,
    int DaysInStage,
    bool Rotting,
    Leads.FollowUpState FollowUpState,
    DateTime? NextFollowUpAt,
    int Version,
    [property: System.Text.Json.Serialization.JsonIgnore] Conversations.WhatsappWindow? Whatsapp = null,
    Leads.SlaResponse? Sla = null);

public sealed record BoardColumn(int StageId, string Name, StageCategory Category, string Color, int Count, IReadOnlyList<BoardCard> Leads);

public sealed record BoardResponse(int PipelineId, string Name, IReadOnlyList<BoardColumn> Stages);

/// <summary>
/// A move. <paramref name="AfterLeadId"/> / <paramref name="BeforeLeadId"/> (optional, an extension of the contract's
/// position): the card the lead was dropped after / before, as the user saw the column. They win over the position when
/// that card is still in the target column (a filtered board shows only some cards, so its index is not the column's);
/// otherwise the position applies.
/// </summary>
public sealed record MoveRequest(int? StageId, int? Position, string? LostReason, int? Version, int? AfterLeadId = null, int? BeforeLeadId = null);

public sealed record ReorderRequest(int? StageId, List<int>? LeadIds);
