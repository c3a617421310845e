using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Pipeline;

/// <summary>Pipelines and the board: per stage a count (one grouped query) and the first cards in board order.</summary>
public sealed class BoardQueries(LeadlineDb db)
{
    public async Task<List<PipelineResponse>> PipelinesAsync(CancellationToken ct)
    {
        var pipelines = await db.Pipelines.AsNoTracking().Include(p => p.Stages).OrderByDescending(p => p.IsDefault).ThenBy(p => p.Id).ToListAsync(ct);
        return pipelines.Select(p => new PipelineResponse(p.Id, p.Name, p.IsDefault,
            p.Stages.OrderBy(s => s.Order).Select(s => new StageResponse(s.Id, s.Name, s.Category, s.Order, s.Color, s.RottingDays)).ToList())).ToList();
    }

    public Task<int?> DefaultPipelineIdAsync(CancellationToken ct) =>
        db.Pipelines.AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.Id).Select(p => (int?)p.Id).FirstOrDefaultAsync(ct);

    /// <summary>The filtered leads of one pipeline (owner: me | unassigned | id; q: the list's search).</summary>
    public IQueryable<Lead> Leads(int pipelineId, BoardFilter filter, int currentUserId, LeadQueries leadQueries, WorkspaceClock clock)
    {
        var list = new LeadFilter { Owner = filter.Owner, Q = filter.Q, Source = filter.Source };
        return leadQueries.Filter(list, currentUserId, clock).Where(l => l.PipelineId == pipelineId);
    }

    public async Task<BoardResponse?> BoardAsync(int pipelineId, BoardFilter filter, int perStage, int currentUserId, LeadQueries leadQueries, WorkspaceClock clock, CancellationToken ct)
    {
        var pipeline = await db.Pipelines.AsNoTracking().Include(p => p.Stages).FirstOrDefaultAsync(p => p.Id == pipelineId, ct);
        if (pipeline is null)
            return null;
        var leads = Leads(pipelineId, filter, currentUserId, leadQueries, clock);
        // a count per stage (correlated, stage_id = ?) rather than one GROUP BY over the whole pipeline: each is a range of the
        // board index (ix_leads_board), where PostgreSQL would plan the GROUP BY over 100,000 leads as a sequential scan of the table
        var counts = await db.Stages.Where(s => s.PipelineId == pipelineId)
            .Select(s => new { s.Id, Count = leads.Count(l => l.StageId == s.Id) })
            .ToDictionaryAsync(g => g.Id, g => g.Count, ct);
        var columns = new List<BoardColumn>();
        foreach (var stage in pipeline.Stages.OrderBy(s => s.Order))
        {
            var cards = counts.GetValueOrDefault(stage.Id) == 0 ? [] : await CardsAsync(leads, stage, 0, perStage, clock, ct);
            columns.Add(new BoardColumn(stage.Id, stage.Name, stage.Category, stage.Color, counts.GetValueOrDefault(stage.Id), cards));
        }
        return new BoardResponse(pipeline.Id, pipeline.Name, columns);
    }

    /// <summary>Cards of one column from <paramref name="skip"/> on (the board loads more on scroll).</summary>
    public async Task<List<BoardCard>> CardsAsync(IQueryable<Lead> leads, Stage stage, int skip, int take, WorkspaceClock clock, CancellationToken ct)
    {
        // the owner's name in the same query (one round trip per column, not two)
        var rows = await leads.Where(l => l.StageId == stage.Id).OrderBy(l => l.Position).ThenBy(l => l.Id).Skip(skip).Take(take)
            .Select(l => new
            {
                l.Id, l.Name, l.Company, l.Score, l.OwnerId, l.StageChangedAt, l.NextFollowUpAt, l.Version, l.WhatsappInboundAt, l.SlaState, l.SlaDueAt,
                OwnerName = db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r =>
        {
            var days = Math.Max(0, (int)(clock.UtcNow - r.StageChangedAt).TotalDays);
            return new BoardCard(r.Id, r.Name, r.Company, r.Score, r.OwnerId, r.OwnerId is null ? null : r.OwnerName, days,
                stage.RottingDays is { } limit && days >= limit, LeadMapper.FollowUp(r.NextFollowUpAt, clock), r.NextFollowUpAt, r.Version,
                r.WhatsappInboundAt is null ? null : Conversations.WhatsappWindow.Of(r.WhatsappInboundAt, clock.UtcNow),
                new SlaResponse(r.SlaDueAt, r.SlaState == SlaState.Due && r.SlaDueAt < clock.UtcNow ? SlaState.Breached : r.SlaState));
        }).ToList();
    }
}

public sealed record BoardFilter(string? Owner, string? Q, LeadSource? Source);
