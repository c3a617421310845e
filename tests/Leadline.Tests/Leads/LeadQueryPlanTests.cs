using Leadline.Common.Time;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// SQLite uses a partial index only for a query that holds the index's condition word for word (PostgreSQL proves it), and
/// both use an index on an expression only for the same expression, so a filter or an order rewritten apart from its index
/// would silently go back to sorting or reading every lead at a million leads.
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
    [InlineData("sort=-name", "ix_leads_workspace_id_name_id")]
    [InlineData("sort=lastActivity", "ix_leads_last_activity_order")]
    [InlineData("sort=-lastActivity", "ix_leads_last_activity_order")]
    // a city or post code held by a few leads is looked up and read in the list's order, not found by walking every lead
    [InlineData("city=Springfield", "ix_leads_workspace_id_city_created_at_id")]
    [InlineData("postalCode=43004", "ix_leads_workspace_id_postal_code_created_at_id")]
    public async Task On_SQLite_a_page_reads_an_index_in_the_lists_order(string query, string? index)
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
    [InlineData("whatsappWindow=open", "ix_leads_workspace_id_whatsapp_inbound_at_archived_at")]
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

    // PostgreSQL matches an index on an expression only to the same expression (here the one EF writes for
    // `LastActivityAt ?? DateTime.MinValue`). A test table is too small for the planner to prefer any index, so sorting and
    // whole-table reads are priced out: if the expression did not match, the plan would still have to sort.
    [Theory]
    [InlineData("sort=lastActivity")]
    [InlineData("sort=-lastActivity")]
    public async Task On_PostgreSQL_the_list_by_last_activity_reads_its_index_in_order(string query)
    {
        if (!TestDatabase.PostgresAvailable)
            return; // CI always has one
        var ws = await TestWorkspace.CreateAsync(await fixture.For(Db.Postgres));
        await using var scope = ws.Scope(out _);
        var queries = scope.ServiceProvider.GetRequiredService<LeadQueries>();
        var filter = Filter(query);

        var page = LeadQueries.Order(queries.Filter(filter, 0, Clock(ws), forPage: true), filter.Sort).Take(51);

        var plan = await PlanAsync(page, "EXPLAIN ", reader => reader.GetString(0), "SET enable_sort = off; SET enable_seqscan = off; SET enable_bitmapscan = off");
        Assert.True(plan.Contains("ix_leads_last_activity_order", StringComparison.Ordinal) && !plan.Contains("Sort", StringComparison.Ordinal), plan);
    }

    private static LeadFilter Filter(string query)
    {
        var (filter, errors) = LeadFilter.Parse(new Microsoft.AspNetCore.Http.QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)));
        Assert.False(errors.Any, query);
        return filter;
    }

    private static WorkspaceClock Clock(TestWorkspace ws) => new(ws.App.Clock, "UTC");

    private static Task<string> PlanAsync<T>(IQueryable<T> query) => PlanAsync(query, "EXPLAIN QUERY PLAN ", reader => reader.GetString(3));

    private static async Task<string> PlanAsync<T>(IQueryable<T> query, string explain, Func<System.Data.Common.DbDataReader, string> line, string? settings = null)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = explain + command.CommandText;
        await command.Connection!.OpenAsync();
        try
        {
            if (settings is not null)
            {
                await using var set = command.Connection.CreateCommand();
                set.CommandText = settings;
                await set.ExecuteNonQueryAsync();
            }
            var plan = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                plan.Add(line(reader));
            return string.Join("\n", plan) + "\n";
        }
        finally
        {
            if (settings is not null)
            {
                await using var reset = command.Connection.CreateCommand();
                reset.CommandText = "RESET ALL";
                await reset.ExecuteNonQueryAsync();
            }
            await command.Connection.CloseAsync();
        }
    }
}
