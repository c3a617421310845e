using System.Data.Common;
using Leadline.Common.Time;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Pipeline;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Bench;

/// <summary>A list query; <paramref name="SecondPage"/> measures the page after the first (keyset cursor), not the first.</summary>
internal sealed record ListCase(string Name, LeadFilter Filter, bool SecondPage = false);

internal sealed record ListResult(
    ListCase Case, int PageRows, int Total, bool Capped, int ExactTotal, Timings AppPage, Timings RawPage, Timings AppCount, Timings RawCount, Timings ExactCount, string? Plan);

/// <summary>
/// The lead list's first page and its total, for every smart filter and a few searches: through the app's own code
/// (<see cref="LeadQueries.Filter"/> + <see cref="LeadQueries.PageAsync"/>, and the capped <see cref="LeadQueries.CountAsync"/>
/// as the API does) and as the very same SQL run raw on the same open connection; the exact COUNT for comparison.
/// </summary>
internal sealed class ListBench(BenchDatabase database, int workspaceId, int adminId, BenchOptions options)
{
    public const int PageSize = 50;   // the Leads page's page size and the API's default limit

    public static async Task<List<ListCase>> CasesAsync(BenchDatabase database, int workspaceId, CancellationToken ct)
    {
        // search terms taken from the data: a common surname, and one lead's e-mail and phone (a single match)
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var half = (await db.Leads.MaxAsync(l => (int?)l.Id, ct) ?? 0) / 2;
        var middle = await db.Leads.Where(l => l.Id >= half && l.Email != null && l.PhoneE164 != null)
            .OrderBy(l => l.Id).Select(l => new { l.Email, l.PhoneE164 }).FirstOrDefaultAsync(ct);
        List<ListCase> cases =
        [
            new("all", new LeadFilter()),
            new("status=new", new LeadFilter { Status = StageCategory.New }),
            new("status=working", new LeadFilter { Status = StageCategory.Working }),
            new("status=qualified", new LeadFilter { Status = StageCategory.Qualified }),
            new("status=unqualified", new LeadFilter { Status = StageCategory.Unqualified }),
            new("hot=true", new LeadFilter { Hot = true }),
            new("created=today", new LeadFilter { Created = "today" }),
            new("created=week", new LeadFilter { Created = "week" }),
            new("created=month", new LeadFilter { Created = "month" }),
            new("owner=unassigned", new LeadFilter { Owner = "unassigned" }),
            new("owner=me", new LeadFilter { Owner = "me" }),
            new("enterprise=true", new LeadFilter { Enterprise = true }),
            new("hasInfo=true", new LeadFilter { HasInfo = true }),
            new("hasInfo=false", new LeadFilter { HasInfo = false }),
            new("followUp=overdue (the start page's link)", new LeadFilter { FollowUp = "overdue" }),
            new("q=smith (common surname)", new LeadFilter { Q = "smith" }),
            new("all, page 2 (cursor)", new LeadFilter(), SecondPage: true),
            new("status=new, page 2 (cursor)", new LeadFilter { Status = StageCategory.New }, SecondPage: true),
            new("q=smith, page 2 (cursor)", new LeadFilter { Q = "smith" }, SecondPage: true),
            // the list's sortable columns
            new("sort=name", new LeadFilter { Sort = LeadSort.Name }),
            new("sort=score", new LeadFilter { Sort = LeadSort.Score }),
            new("sort=lastActivity", new LeadFilter { Sort = LeadSort.LastActivity }),
            new("sort=-lastActivity", new LeadFilter { Sort = LeadSort.LastActivityDesc }),
            new("sort=-lastActivity, page 2 (cursor)", new LeadFilter { Sort = LeadSort.LastActivityDesc }, SecondPage: true),
            new("status=new, sort=name", new LeadFilter { Status = StageCategory.New, Sort = LeadSort.Name }),
            new("q=smith, sort=name", new LeadFilter { Q = "smith", Sort = LeadSort.Name }),
            new("q=smith, sort=-lastActivity", new LeadFilter { Q = "smith", Sort = LeadSort.LastActivityDesc }),
        ];
        if (middle is not null)
        {
            cases.Add(new("q=<one lead's e-mail>", new LeadFilter { Q = middle.Email }));
            cases.Add(new("q=<one lead's phone digits>", new LeadFilter { Q = middle.PhoneE164![2..] }));
        }
        var (rare, common) = await CustomValuesAsync(database, db, workspaceId, ct);
        CustomFields.CustomFieldCondition Band(string value) => new("budget_band", CustomFields.CustomFieldBound.Equals, value);
        cases.Add(new($"cf.budget_band=>10k (rare: {rare:N0} leads)", new LeadFilter { Custom = [Band(">10k")] }));
        cases.Add(new($"cf.budget_band=<1k (common: {common:N0} leads)", new LeadFilter { Custom = [Band("<1k")] }));
        cases.Add(new("cf.budget_band=>10k, status=new", new LeadFilter { Custom = [Band(">10k")], Status = StageCategory.New }));
        return cases;
    }

    /// <summary>
    /// A choice custom field with a value on every lead: one lead in 10,000 holds the rare value, two in three the common
    /// one. Its index rows go in with one INSERT … SELECT (the filter reads only them; the leads' JSON is left as seeded).
    /// Done once per database (a kept one has them).
    /// </summary>
    private static async Task<(int Rare, int Common)> CustomValuesAsync(BenchDatabase database, LeadlineDb db, int workspaceId, CancellationToken ct)
    {
        var field = await db.CustomFields.FirstOrDefaultAsync(f => f.Key == "budget_band", ct);
        if (field is null)
        {
            field = new CustomFields.CustomField { Key = "budget_band", Label = "Budget band", Type = CustomFields.CustomFieldType.Choice, Options = ["<1k", "1k-10k", ">10k"], Order = 1 };
            db.CustomFields.Add(field);
            await db.SaveChangesAsync(ct);
            await database.ExecuteAsync(
                "INSERT INTO lead_custom_values (workspace_id, lead_id, field_id, value_text) " +
                $"SELECT workspace_id, id, {field.Id}, CASE WHEN id % 10000 = 7 THEN '>10k' WHEN id % 3 = 0 THEN '1k-10k' ELSE '<1k' END FROM leads WHERE workspace_id = {workspaceId}", ct);
            await database.ExecuteAsync(database.Provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE lead_custom_values" : "ANALYZE lead_custom_values", ct);
        }
        var id = field.Id;
        var rare = await db.LeadCustomValues.CountAsync(v => v.FieldId == id && v.ValueText == ">10k", ct);
        var common = await db.LeadCustomValues.CountAsync(v => v.FieldId == id && v.ValueText == "<1k", ct);
        return (rare, common);
    }

    /// <summary>
    /// Runs the app's first page of every case without a search 20 times before anything is timed: .NET recompiles a
    /// method, optimised, after about 30 calls, and without this the first cases measured would pay for the JIT.
    /// </summary>
    public async Task WarmUpAsync(IEnumerable<ListCase> cases, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var queries = scope.ServiceProvider.GetRequiredService<LeadQueries>();
        var clock = new WorkspaceClock(TimeProvider.System, "UTC");
        var cheap = cases.Where(c => c.Filter.Q is null).ToList();
        for (var round = 0; round < 20; round++)
            foreach (var c in cheap)
                await queries.PageAsync(queries.Filter(c.Filter, adminId, clock, forPage: true), c.Filter.Sort, null, PageSize, ct);
    }

    /// <summary>The start page's lead figures (<see cref="Home.HomeFigures.LeadsAsync"/>), as the signed-in admin sees them.</summary>
    public async Task<(Timings Times, Home.LeadFigures Figures)> HomeFiguresAsync(CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var figures = scope.ServiceProvider.GetRequiredService<Home.HomeFigures>();
        var clock = new WorkspaceClock(TimeProvider.System, "UTC");
        Home.LeadFigures? last = null;
        var (times, _) = await Timings.PairAsync(async () => last = await figures.LeadsAsync(adminId, clock, ct), () => Task.CompletedTask, options.Warmup, options.Runs, options.Budget);
        return (times, last!);
    }

    /// <summary>The work queue's first page and its "Next" (<see cref="Queue.WorkQueueService"/>), as an operator opens them.</summary>
    public async Task<(Timings Page, Timings Next, LeadCount Count)> WorkQueueAsync(CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var queue = scope.ServiceProvider.GetRequiredService<Queue.WorkQueueService>();
        Queue.QueuePage? last = null;
        var (page, next) = await Timings.PairAsync(
            async () => last = await queue.PageAsync(null, includeClosed: false, 1, ct), () => queue.NextAsync(null, ct), options.Warmup, options.Runs, options.Budget);
        return (page, next, last!.Count);
    }

    public async Task<ListResult> RunAsync(ListCase c, bool explain, CancellationToken ct)
    {
        await using var scope = database.Scope(workspaceId);
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        var queries = scope.ServiceProvider.GetRequiredService<LeadQueries>();
        var capture = scope.ServiceProvider.GetRequiredService<CommandCapture>();
        var clock = new WorkspaceClock(TimeProvider.System, "UTC");
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
        await db.Database.OpenConnectionAsync(ct);   // app and raw share this connection
        var connection = db.Database.GetDbConnection();

        var pageRows = 0;
        var cursor = c.SecondPage ? (await queries.PageAsync(queries.Filter(c.Filter, adminId, clock, forPage: true), c.Filter.Sort, null, PageSize, ct)).NextCursor : null;
        async Task AppPage() => pageRows = (await queries.PageAsync(queries.Filter(c.Filter, adminId, clock, forPage: true), c.Filter.Sort, cursor, PageSize, ct)).Items.Count;
        await AppPage();
        await using var rawPage = capture.CreateRawCommand(connection);
        var plan = explain ? await ExplainAsync(rawPage, ct) : null;
        var (appPage, rawPageTimes) = await Timings.PairAsync(AppPage, () => ReadAllAsync(rawPage, ct), options.Warmup, options.Runs, options.Budget);

        var (total, capped) = (0, false);
        async Task AppCount() => (total, capped) = await LeadQueries.CountAsync(queries.Filter(c.Filter, adminId, clock), ct);
        await AppCount();
        await using var rawCount = capture.CreateRawCommand(connection);
        var (appCount, rawCountTimes) = await Timings.PairAsync(AppCount, () => ReadAllAsync(rawCount, ct), options.Warmup, options.Runs, options.Budget);

        var exactTotal = 0;
        async Task ExactCount() => exactTotal = await queries.Filter(c.Filter, adminId, clock).CountAsync(ct);
        var (exact, _) = await Timings.PairAsync(ExactCount, () => Task.CompletedTask, options.Warmup, options.Runs, options.Budget);
        return new ListResult(c, pageRows, total, capped, exactTotal, appPage, rawPageTimes, appCount, rawCountTimes, exact, plan);
    }

    /// <summary>Executes and reads every value of every row, as a materializer must.</summary>
    private static async Task ReadAllAsync(DbCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            for (var i = 0; i < reader.FieldCount; i++)
                _ = reader.IsDBNull(i) ? null : reader.GetValue(i);
    }

    private async Task<string> ExplainAsync(DbCommand query, CancellationToken ct)
    {
        var sql = query.CommandText;
        query.CommandText = (database.Provider == DatabaseProvider.Sqlite ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, BUFFERS) ") + sql;
        var lines = new List<string>();
        try
        {
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                lines.Add(database.Provider == DatabaseProvider.Sqlite ? $"{reader.GetValue(1)}->{reader.GetValue(0)} {reader.GetValue(3)}" : reader.GetString(0));
        }
        finally
        {
            query.CommandText = sql;
        }
        // the column list is long and the same for every case: keep FROM onwards
        var from = sql.IndexOf("FROM", StringComparison.Ordinal);
        return "SELECT l.* " + (from < 0 ? sql : sql[from..]) + "\n--\n" + string.Join("\n", lines);
    }
}
