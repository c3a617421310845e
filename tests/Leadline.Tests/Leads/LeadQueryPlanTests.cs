using Leadline.Common.Time;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// SQLite uses a partial index only for a query that holds the index's condition word for word (PostgreSQL proves it), so a
/// filter rewritten apart from its index would silently go back to reading the list's order lead by lead at a million leads.
/// </summary>
public sealed class LeadQueryPlanTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("hasInfo=false", "ix_leads_no_contact_info")]
    [InlineData("enterprise=true", "ix_leads_enterprise")]
    // without statistics SQLite walks the list's order for these; analysed, the partial index in the same order: never a sort
    [InlineData("followUp=overdue", null)]
    [InlineData("followUp=today", null)]
    [InlineData("sort=name", "ix_leads_workspace_id_name_id")]
    public async Task On_SQLite_a_page_of_a_filter_with_a_partial_index_reads_an_index_in_the_lists_order(string query, string? index)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(Db.Sqlite));
        await using var scope = ws.Scope(out _);
        var queries = scope.ServiceProvider.GetRequiredService<LeadQueries>();
        var filter = Filter(query);

        var page = LeadQueries.Order(queries.Filter(filter, 0, Clock(ws), forPage: true), filter.Sort).Take(51);

        var plan = await PlanAsync(page);
        Assert.True((index is null || plan.Contains($"USING INDEX {index} ", StringComparison.Ordinal)) && !plan.Contains("TEMP B-TREE", StringComparison.Ordinal), plan);
    }

    // the capped count reads the filter's index alone (archived_at is in it); the No info and Enterprise indexes serve their
    // counts too, from the index's rows and the leads' own
    [Theory]
    [InlineData("followUp=overdue", "ix_leads_follow_up")]
    [InlineData("status=qualified", "ix_leads_workspace_id_status_created_at_id_archived_at")]
    [InlineData("owner=unassigned", "ix_leads_workspace_id_owner_id_created_at_id_archived_at")]
    [InlineData("hot=true", "ix_leads_workspace_id_score_id_archived_at")]
    public async Task On_SQLite_the_count_of_a_filter_is_read_from_its_index_alone(string query, string index)
    {
        var ws = await TestWorkspace.CreateAsync(await fixture.For(Db.Sqlite));
        await using var scope = ws.Scope(out _);
        var queries = scope.ServiceProvider.GetRequiredService<LeadQueries>();

        // the rows LeadQueries.CountAsync counts (a count is a terminal operator, so its command cannot be built without running it)
        var counted = queries.Filter(Filter(query), 0, Clock(ws)).Take(LeadQueries.TotalCap + 1).Select(l => 1);

        var plan = await PlanAsync(counted);
        Assert.True(plan.Contains($"USING COVERING INDEX {index} ", StringComparison.Ordinal), plan);
    }

    private static LeadFilter Filter(string query)
    {
        var (filter, errors) = LeadFilter.Parse(new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));
        Assert.False(errors.Any, query);
        return filter;
    }

    private static WorkspaceClock Clock(TestWorkspace ws) => new(ws.App.Clock, "UTC");

    private static async Task<string> PlanAsync<T>(IQueryable<T> query)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await command.Connection!.OpenAsync();
        try
        {
            var plan = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                plan.Add(reader.GetString(3));
            return string.Join("\n", plan) + "\n";
        }
        finally
        {
            await command.Connection.CloseAsync();
        }
    }
}
