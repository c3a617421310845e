using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadline.Leads;
using Leadline.Leads.Changes;
using Leadline.Queue;
using Leadline.Reports;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// Issue 18 item 1: every writer of leads goes through <see cref="LeadWritePath"/>, which raises typed changes that the
/// reactions subscribe to. A new reaction is one class: <see cref="RecordingReaction"/> below is all it takes, registered
/// here through the test's services (the app registers its own by scanning its assembly).
/// </summary>
public sealed partial class LeadWritePathTests
{
    /// <summary>A reaction written for this test: it sees what every reaction sees, in the same phases.</summary>
    private sealed class RecordingReaction : ILeadReaction
    {
        private readonly List<string> _saving = [];
        private readonly List<string> _committed = [];

        public LeadReactionPhase Phase => LeadReactionPhase.Publish;

        public ValueTask OnSavingAsync(LeadChangeSet changes, CancellationToken ct)
        {
            lock (_saving)
                _saving.AddRange(changes.Changes.Select(Describe));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnBulkInsertAsync(LeadsCreatedInBulk change, BulkRows rows, DbContext db, CancellationToken ct)
        {
            lock (_saving)
                _saving.Add(Describe(change));
            return ValueTask.CompletedTask;
        }

        public void OnBulkUpdate(LeadsRecategorised change, UpdateSettersBuilder<Lead> setters)
        {
            lock (_saving)
                _saving.Add(Describe(change));
        }

        public ValueTask OnCommittedAsync(IReadOnlyList<LeadChange> changes, CancellationToken ct)
        {
            lock (_committed)
                _committed.AddRange(changes.Select(Describe));
            return ValueTask.CompletedTask;
        }

        /// <summary>What was committed since the last call, and clears it; what was raised while saving must match unless rolled back.</summary>
        public List<string> Take(bool rolledBack = false)
        {
            lock (_committed)
                lock (_saving)
                {
                    var committed = _committed.ToList();
                    if (!rolledBack)
                        Assert.Equal(_saving.Order(StringComparer.Ordinal), committed.Order(StringComparer.Ordinal));
                    _committed.Clear();
                    _saving.Clear();
                    return committed;
                }
        }

        private static string Describe(LeadChange change) => change switch
        {
            LeadFieldsChanged c => $"fields {string.Join(",", c.Changes.Select(f => f.Property))} #{c.Lead.Name}",
            SingleLeadChange c => $"{Name(c)} #{c.Lead.Name}",
            LeadsCreatedInBulk c => $"bulk created {c.Leads.Count}",
            LeadsRecategorised c => $"recategorised {c.From}->{c.To}",
            _ => Name(change),
        };

        private static string Name(LeadChange change) => change.GetType().Name;
    }

    private static async Task<(LeadlineApp App, RecordingReaction Recorder)> StartAsync(Db db)
    {
        var recorder = new RecordingReaction();
        var app = new LeadlineApp(await TestDatabase.CreateAsync(db), services: s => s.AddScoped<ILeadReaction>(_ => recorder));
        app.StartServer();
        return (app, recorder);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Every_writer_of_leads_raises_its_changes_and_a_new_reaction_hears_them_after_commit(Db db)
    {
        var (app, recorder) = await StartAsync(db);
        await using var _ = app;
        var ws = await TestWorkspace.CreateAsync(app);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items").EnumerateArray().First();
        var stages = pipeline.GetProperty("stages").EnumerateArray().ToList();
        int Stage(string category) => stages.First(s => s.GetProperty("category").GetString() == category).GetProperty("id").GetInt32();
        recorder.Take();

        // API create and edit
        var ada = (await ws.Admin.CreateLeadAsync(new { name = "Ada" })).GetProperty("id").GetInt32();
        Assert.Equal(["LeadCreated #Ada"], recorder.Take());
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PatchAsJsonAsync($"/api/v1/leads/{ada}", new { company = "Engines Ltd", score = 40 })).StatusCode);
        Assert.Equal(["fields Company,Score #Ada"], recorder.Take());

        // board move and reorder
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{ada}/move", new { stageId = Stage("working") })).StatusCode);
        Assert.Equal(["LeadStageChanged #Ada", "fields StageId #Ada"], recorder.Take().Order(StringComparer.Ordinal));
        var bob = (await ws.Admin.CreateLeadAsync(new { name = "Bob", stageId = Stage("working") })).GetProperty("id").GetInt32();
        recorder.Take();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync("/api/v1/leads/reorder", new { stageId = Stage("working"), leadIds = new[] { bob, ada } })).StatusCode);
        Assert.Equal(["LeadRepositioned #Ada", "LeadRepositioned #Bob"], recorder.Take().Order(StringComparer.Ordinal));

        // an interaction, archive and restore
        Assert.Equal(HttpStatusCode.Created, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{ada}/notes", new { text = "Called back" })).StatusCode);
        Assert.Contains("LeadInteracted #Ada", recorder.Take());
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Admin.DeleteAsync($"/api/v1/leads/{bob}")).StatusCode);
        Assert.Equal(["LeadArchived #Bob", "fields ArchivedAt #Bob"], recorder.Take().Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsync($"/api/v1/leads/{bob}/restore", null)).StatusCode);
        Assert.Equal(["LeadRestored #Bob", "fields ArchivedAt #Bob"], recorder.Take().Order(StringComparer.Ordinal));

        // merge
        var ada2 = (await ws.Admin.CreateLeadAsync(new { name = "Ada", email = "ada@engines.example" })).GetProperty("id").GetInt32();
        recorder.Take();
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{ada}/merge", new { duplicateIds = new[] { ada2 } })).StatusCode);
        var merged = recorder.Take();
        Assert.Contains("LeadMerged #Ada", merged);
        Assert.Contains("LeadArchived #Ada", merged);

        // CSV import: new rows in bulk, an existing one updated through EF
        using var csv = new StringContent("name,email\nCyd,cyd@x.example\nDee,dee@x.example\n", Encoding.UTF8, "text/csv");
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsync("/api/v1/leads/import", csv)).StatusCode);
        Assert.Equal(["bulk created 2"], recorder.Take());

        // a stage's new category
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PatchAsJsonAsync($"/api/v1/pipelines/{pipeline.GetProperty("id").GetInt32()}/stages/{Stage("working")}", new { category = "unqualified" })).StatusCode);
        Assert.Equal(["recategorised Working->Unqualified"], recorder.Take());

        // the reservation release (a background job)
        await using (var scope = ws.Scope(out var data))
        {
            var workspace = await data.Workspaces.SingleAsync();
            var cyd = await data.Leads.SingleAsync(l => l.Name == "Cyd");
            cyd.Reserve((await data.Users.FirstAsync()).Id, app.Clock.GetUtcNow().UtcDateTime);
            await data.SaveChangesAsync();
            recorder.Take();
            app.Clock.Advance(TimeSpan.FromHours(workspace.ReservationReleaseHours + 1));
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ReservationReleaser>().ReleaseStaleAsync(CancellationToken.None));
        }
        Assert.Equal(["LeadOwnerChanged #Cyd", "fields OwnerId,ReservedAt #Cyd"], recorder.Take().Order(StringComparer.Ordinal));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_change_rolled_back_reaches_no_reaction_after_commit(Db db)
    {
        var (app, recorder) = await StartAsync(db);
        await using var _ = app;
        var ws = await TestWorkspace.CreateAsync(app);
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Eve" })).GetProperty("id").GetInt32();
        recorder.Take();

        await using (var scope = ws.Scope(out var data))
        {
            await using var transaction = await data.Database.BeginTransactionAsync();
            var eve = await data.Leads.SingleAsync(l => l.Id == id);
            eve.Company = "Never saved";
            await data.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Empty(recorder.Take(rolledBack: true));
        Assert.Null((await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}")).GetProperty("company").GetString());
    }

    /// <summary>The bug the one path makes impossible: a stage re-categorised to Lost left its leads' flow open.</summary>
    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Recategorising_a_stage_to_lost_completes_its_leads_takes_them_out_of_the_queue_and_counts_them_closed(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var pipeline = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items").EnumerateArray().First();
        var working = pipeline.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("category").GetString() == "working").GetProperty("id").GetInt32();
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Flow Closer" })).GetProperty("id").GetInt32();
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/notes", new { text = "called, interested" });
        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/move", new { stageId = working });
        var before = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal("inProgress", before.GetProperty("leadFlow").GetString());
        using var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        Assert.Contains("Flow Closer", await browser.GetStringAsync("/queue"), StringComparison.Ordinal);

        var patch = await ws.Admin.PatchAsJsonAsync($"/api/v1/pipelines/{pipeline.GetProperty("id").GetInt32()}/stages/{working}", new { category = "lost" });

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal(("lost", "completed"), (lead.GetProperty("status").GetString(), lead.GetProperty("leadFlow").GetString()));
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, lead.GetProperty("closedAt").GetDateTime().ToUniversalTime());
        Assert.DoesNotContain("Flow Closer", await browser.GetStringAsync("/queue"), StringComparison.Ordinal);
        await using (var scope = ws.Scope(out _))
        {
            var clock = await scope.ServiceProvider.GetRequiredService<LeadService>().ClockAsync(CancellationToken.None);
            var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
            var figures = await scope.ServiceProvider.GetRequiredService<LeadFlowReport>().RunAsync(today, today, clock, CancellationToken.None);
            Assert.Equal(1, figures.LeadsClosed);
        }

        // and back: an open category again reopens them, as moving one out of Lost would
        await ws.Admin.PatchAsJsonAsync($"/api/v1/pipelines/{pipeline.GetProperty("id").GetInt32()}/stages/{working}", new { category = "working" });
        lead = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal(("working", "inProgress", JsonValueKind.Null),
            (lead.GetProperty("status").GetString(), lead.GetProperty("leadFlow").GetString(), lead.GetProperty("closedAt").ValueKind));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_lead_moved_into_lost_closes_now_and_reopens_when_moved_back(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var stages = (await ws.Admin.GetFromJsonAsync<JsonElement>("/api/v1/pipelines")).GetProperty("items").EnumerateArray().First().GetProperty("stages").EnumerateArray().ToList();
        int Stage(string category) => stages.First(s => s.GetProperty("category").GetString() == category).GetProperty("id").GetInt32();
        var id = (await ws.Admin.CreateLeadAsync(new { name = "Lou Lost" })).GetProperty("id").GetInt32();

        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/move", new { stageId = Stage("lost"), lostReason = "Too expensive" });
        var lost = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal(("completed", app.Clock.GetUtcNow().UtcDateTime), (lost.GetProperty("leadFlow").GetString(), lost.GetProperty("closedAt").GetDateTime().ToUniversalTime()));

        await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{id}/move", new { stageId = Stage("working") });
        var reopened = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{id}");
        Assert.Equal(("none", JsonValueKind.Null), (reopened.GetProperty("leadFlow").GetString(), reopened.GetProperty("closedAt").ValueKind));
    }

    /// <summary>No writer outside the path changes lead columns: set-based updates of leads live in Leads/Changes only.</summary>
    [Fact]
    public void No_code_outside_the_write_path_updates_leads_set_based()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Leadline");
        var allowed = new[]
        {
            Path.Combine("Leads", "Changes") + Path.DirectorySeparatorChar,
            // an upgrade step re-normalising stored phones runs inside its migration script's transaction, before the app
            // serves anyone: no reaction has anything to hear (its SQL also bumps the version)
            Path.Combine("Leads", "PhoneRenormalization.cs"),
        };
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal) || allowed.Any(a => relative.StartsWith(a, StringComparison.Ordinal)))
                continue;
            var text = File.ReadAllText(file);
            foreach (Match m in SetBasedLeadUpdate().Matches(text))
                offenders.Add($"{relative}: {m.Value}");
        }
        Assert.Empty(offenders);
        // and the scan does find what it looks for
        Assert.Matches(SetBasedLeadUpdate(), File.ReadAllText(Path.Combine(root, "Leads", "Changes", "LeadWritePath.cs")));
    }

    [GeneratedRegex(@"(?i)update\s+""?leads""?\s+set|\.Leads\b[^;]*?\.ExecuteUpdate|\.Leads\b[^;]*?\.ExecuteDelete")]
    private static partial Regex SetBasedLeadUpdate();

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Leadline.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Leadline.slnx not found above the test's folder.");
    }
}
