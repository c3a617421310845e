using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Pipeline;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// Imports as background jobs (issue 18, item 5): <c>POST /api/v1/imports</c> → 202, polled to the end; a job whose
/// instance died between batches is taken over and finishes without a row written twice; cancel; a file without a header
/// row refused; the <c>stage</c> column by name and by category; Lost without a reason.
/// </summary>
public sealed class ImportJobTests
{
    private const int Rows = 25_000;   // three batches of the import's 10,000

    // the runner is driven by the tests themselves (the worker would race them for the job)
    private static readonly Dictionary<string, string?> NoWorker = new() { ["Leadline:Imports:JobsEnabled"] = "false" };

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_job_runs_in_the_background_and_completes_with_counts_and_row_numbered_errors(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db);   // with its worker
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var lines = new List<string> { "name,email,score" };
        lines.AddRange(Enumerable.Range(0, 300).Select(i => $"Job Person {i},p{i}@{tag}.example,{i % 100}"));
        lines.Insert(101, $",nameless@{tag}.example,5");   // row 102
        lines.Insert(201, $"Bad Score,bad@{tag}.example,lots");   // row 202
        lines.Add($"Job Person 7,p7@{tag}.example,7");   // the same person again: skipped

        var started = await ws.Admin.PostAsync("/api/v1/imports", new StringContent(string.Join("\n", lines), Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/imports/{job.GetProperty("id").GetInt32()}", started.Headers.Location?.OriginalString);
        Assert.Contains(job.GetProperty("status").GetString(), new[] { "queued", "running" });
        Assert.Equal(303, job.GetProperty("total").GetInt32());

        var done = await WaitAsync(ws.Admin, started.Headers.Location!.OriginalString);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(303, done.GetProperty("processed").GetInt32());
        Assert.Equal(300, done.GetProperty("created").GetInt32());
        Assert.Equal(0, done.GetProperty("updated").GetInt32());
        Assert.Equal(1, done.GetProperty("skipped").GetInt32());
        var errors = done.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([102L, 202L], errors.Select(e => e.GetProperty("row").GetInt64()));
        Assert.Contains("score", errors[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(300, await CountAsync(app, ws.Id, tag));
        await using var scope = ws.Scope(out var leadlineDb);
        Assert.Empty(await leadlineDb.ImportFiles.ToListAsync());   // a finished job keeps no file
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_job_whose_instance_died_between_batches_is_taken_over_and_resumes_from_its_last_committed_batch_without_writing_a_row_twice(Db db)
    {
        await using var database = await TestDatabase.CreateAsync(db);
        var tag = Tag();
        int workspaceId;
        string location;
        // the first instance dies after its first batch: every later write of the job's record fails, as if the process were killed
        await using (var first = new LeadlineApp(database, NoWorker, ownsDatabase: false, services: s => s.AddSingleton<IInterceptor>(new ImportProgressFault(failAt: 2))))
        {
            var ws = await TestWorkspace.CreateAsync(first);
            workspaceId = ws.Id;
            var started = await ws.Admin.PostAsync("/api/v1/imports?onDuplicate=create", new StringContent(Csv(tag, Rows), Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            location = started.Headers.Location!.OriginalString;

            Assert.True(await RunNextAsync(first));

            var dead = await ws.Admin.GetFromJsonAsync<JsonElement>(location);
            Assert.Equal("running", dead.GetProperty("status").GetString());   // nobody could record the stop
            Assert.Equal(10_000, dead.GetProperty("processed").GetInt32());
            Assert.Equal(10_000, dead.GetProperty("created").GetInt32());
            Assert.Equal(10_000, await CountAsync(first, workspaceId, tag));   // the second batch rolled back whole
        }

        await using var second = new LeadlineApp(database, NoWorker, ownsDatabase: false);
        Assert.False(await RunNextAsync(second));   // its heartbeat is fresh: maybe only slow, so not taken over yet
        second.Clock.Advance(ImportRuns.StaleAfter + TimeSpan.FromSeconds(1));

        Assert.True(await RunNextAsync(second));

        var admin = await AdminOfAsync(second, workspaceId);
        var done = await admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(Rows, done.GetProperty("processed").GetInt32());
        Assert.Equal(Rows, done.GetProperty("created").GetInt32());
        Assert.Equal(Rows, await CountAsync(second, workspaceId, tag));
        Assert.Equal(Rows, await CountAsync(second, workspaceId, tag, distinct: true));
        Assert.Contains(second.Logs, l => l.Contains("stopped answering", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_job_stopped_by_a_shutdown_is_queued_again_and_goes_on_from_its_last_committed_batch(Db db)
    {
        var hook = new ProgressHook();
        await using var app = new LeadlineApp(await TestDatabase.CreateAsync(db), NoWorker, services: s => s.AddSingleton<IInterceptor>(hook));
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var location = (await ws.Admin.PostAsync("/api/v1/imports?onDuplicate=create", new StringContent(Csv(tag, Rows), Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString;
        using var shutdown = new CancellationTokenSource();
        // the app stops while the second batch is written: the first batch is committed, the second is not
        hook.Arm(2, _ =>
        {
            shutdown.Cancel();
            throw new OperationCanceledException(shutdown.Token);
        });

        Assert.True(await RunNextAsync(app, shutdown.Token));

        var queued = await ws.Admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal(10_000, queued.GetProperty("processed").GetInt32());
        Assert.Equal(10_000, await CountAsync(app, ws.Id, tag));

        Assert.True(await RunNextAsync(app));

        var done = await ws.Admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(Rows, done.GetProperty("created").GetInt32());
        Assert.Equal(Rows, await CountAsync(app, ws.Id, tag));
        Assert.Equal(Rows, await CountAsync(app, ws.Id, tag, distinct: true));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Cancel_stops_a_queued_job_at_once_and_a_running_one_at_a_batch_boundary(Db db)
    {
        var hook = new ProgressHook();
        await using var app = new LeadlineApp(await TestDatabase.CreateAsync(db), NoWorker, services: s => s.AddSingleton<IInterceptor>(hook));
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var queued = (await ws.Admin.PostAsync("/api/v1/imports", new StringContent(Csv(tag, 50), Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString;

        var cancelled = await ws.Admin.PostAsync(queued + "/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.False(await RunNextAsync(app));
        Assert.Equal(0, await CountAsync(app, ws.Id, tag));

        // Cancel pressed while the first batch is written (its flag commits with that batch)
        var running = (await ws.Admin.PostAsync("/api/v1/imports?onDuplicate=create", new StringContent(Csv(tag, Rows), Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString;
        var jobId = int.Parse(running.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
        hook.Arm(1, command =>
        {
            using var cancel = command.Connection!.CreateCommand();
            cancel.Transaction = command.Transaction;
            cancel.CommandText = $"UPDATE imports SET cancel_requested = TRUE WHERE id = {jobId}";
            cancel.ExecuteNonQuery();
        });

        Assert.True(await RunNextAsync(app));

        var stopped = await ws.Admin.GetFromJsonAsync<JsonElement>(running);
        Assert.Equal("cancelled", stopped.GetProperty("status").GetString());
        var created = stopped.GetProperty("created").GetInt32();
        // the batch being checked when the flag committed may still land, never a part of one nor the rest of the file
        Assert.Contains(created, new[] { 10_000, 20_000 });
        Assert.Equal(created, stopped.GetProperty("processed").GetInt32());
        Assert.Equal(created, await CountAsync(app, ws.Id, tag));
        Assert.Equal(HttpStatusCode.OK, (await ws.Admin.PostAsync(running + "/cancel", null)).StatusCode);   // cancelled already: as it is

        var small = (await ws.Admin.PostAsync("/api/v1/imports", new StringContent("name\nDone Person\n", Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString;
        Assert.True(await RunNextAsync(app));
        Assert.Equal(HttpStatusCode.Conflict, (await ws.Admin.PostAsync(small + "/cancel", null)).StatusCode);   // finished: nothing to cancel
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_csv_without_a_header_row_is_refused_saying_so_and_imports_nothing(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var csv = $"Jane Doe,jane@{tag}.example\nJohn Roe,john@{tag}.example\n";

        var job = await ws.Admin.PostAsync("/api/v1/imports", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var phones = await ws.Admin.PostAsync("/api/v1/imports", new StringContent("Jane Doe,+49 30 1234567\n", Encoding.UTF8, "text/csv"));
        var unknown = await ws.Admin.PostAsync("/api/v1/imports", new StringContent("Jane Doe,Acme\nJohn Roe,Initech\n", Encoding.UTF8, "text/csv"));
        var direct = await ws.Admin.PostAsync("/api/v1/leads/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        var messages = new List<string?>();
        foreach (var refused in new[] { job, phones, unknown })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            messages.Add((await refused.ErrorsAsync()).GetProperty("file")[0].GetString());
        }
        Assert.All(messages, m => Assert.Contains("no header row", m, StringComparison.Ordinal));
        Assert.Contains("jane@", messages[0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        var result = await direct.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, result.GetProperty("created").GetInt32());
        Assert.Equal(1, result.GetProperty("errors")[0].GetProperty("row").GetInt64());
        Assert.Contains("no header row", result.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(await RunNextAsync(app));
        Assert.Equal(0, await CountAsync(app, ws.Id, tag));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_stage_column_takes_a_stage_name_first_then_a_category_and_Lost_needs_no_reason_and_closes(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        await using (var scope = ws.Scope(out var setup))
        {
            // stages whose names are not their categories' names
            await setup.Stages.Where(s => s.Name == "Working").ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, "In progress"));
            await setup.Stages.Where(s => s.Name == "Lost").ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, "Closed lost"));
        }
        var tag = Tag();
        var csv = $"""
            name,email,stage,lostReason
            By Name,name@{tag}.example,Contacted,
            By Category,category@{tag}.example,working,
            Lost By Category,lost@{tag}.example,LOST,
            Lost With Reason,reason@{tag}.example,Closed lost,Too expensive
            Nowhere,nowhere@{tag}.example,Moon,
            """;
        var location = (await ws.Admin.PostAsync("/api/v1/imports", new StringContent(csv, Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString;

        Assert.True(await RunNextAsync(app));

        var done = await ws.Admin.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(4, done.GetProperty("created").GetInt32());
        var error = Assert.Single(done.GetProperty("errors").EnumerateArray());
        Assert.Equal(6, error.GetProperty("row").GetInt64());
        Assert.Contains("Moon", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        await using var check = ws.Scope(out var leadlineDb);
        var stages = await leadlineDb.Stages.ToDictionaryAsync(s => s.Id, s => s.Name);
        var leads = await leadlineDb.Leads.Where(l => l.Email!.EndsWith($"@{tag}.example")).ToDictionaryAsync(l => l.Name);
        Assert.Equal("Contacted", stages[leads["By Name"].StageId]);   // the stage so named, not the category's first ("Attempted contact")
        Assert.Equal("In progress", stages[leads["By Category"].StageId]);
        var lost = leads["Lost By Category"];
        Assert.Equal("Closed lost", stages[lost.StageId]);
        Assert.Equal(StageCategory.Lost, lost.Status);
        Assert.Equal(ImportStages.ImportedLostReason, lost.LostReason);
        Assert.Equal(app.Clock.GetUtcNow().UtcDateTime, lost.ClosedAt);
        Assert.Equal(LeadFlowStatus.Completed, lost.LeadFlow);
        Assert.Equal("Too expensive", leads["Lost With Reason"].LostReason);
        Assert.Null(leads["By Name"].ClosedAt);
        Assert.Equal(LeadFlowStatus.None, leads["By Name"].LeadFlow);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Two_jobs_of_the_same_file_create_each_row_once(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var csv = Csv(tag, 500);
        var jobs = new[]
        {
            (await ws.Admin.PostAsync("/api/v1/imports", new StringContent(csv, Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString,
            (await ws.Admin.PostAsync("/api/v1/imports", new StringContent(csv, Encoding.UTF8, "text/csv"))).Headers.Location!.OriginalString,
        };

        // two runners at once, as two instances would run them
        var ran = await Task.WhenAll(RunNextAsync(app), RunNextAsync(app));

        Assert.Equal([true, true], ran);
        var results = await Task.WhenAll(jobs.Select(j => ws.Admin.GetFromJsonAsync<JsonElement>(j)));
        Assert.All(results, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Equal(500, results.Sum(r => r.GetProperty("created").GetInt32()));
        Assert.Equal(500, results.Sum(r => r.GetProperty("skipped").GetInt32()));
        Assert.Equal(500, await CountAsync(app, ws.Id, tag));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_multipart_file_is_imported_and_another_workspace_cannot_see_the_job(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        var other = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(Csv(tag, 3)));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "people.csv");

        var started = await ws.Admin.PostAsync("/api/v1/imports?onDuplicate=update", form);

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.True(await RunNextAsync(app));
        Assert.Equal(3, (await ws.Admin.GetFromJsonAsync<JsonElement>(started.Headers.Location!.OriginalString)).GetProperty("created").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync(started.Headers.Location!.OriginalString)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.PostAsync(started.Headers.Location!.OriginalString + "/cancel", null)).StatusCode);
        var (_, _, agent) = await ws.AddUserAsync("Agent");
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync(started.Headers.Location!.OriginalString)).StatusCode);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task The_import_page_refuses_a_file_without_a_header_row_and_its_Cancel_button_cancels_the_job(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, NoWorker);
        var ws = await TestWorkspace.CreateAsync(app);
        using var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var tag = Tag();

        var refused = await UploadAsync(browser, $"Jane Doe,jane@{tag}.example\n");

        Assert.Equal("/leads/import?error=noheader", refused.Headers.Location?.OriginalString);
        Assert.Contains("no header row", WebUtility.HtmlDecode(await browser.GetStringAsync(refused.Headers.Location!.OriginalString)), StringComparison.Ordinal);

        var uploaded = await UploadAsync(browser, Csv(tag, 20));
        var preview = uploaded.Headers.Location!.OriginalString;
        var run = await browser.PostAsync(preview + "/run", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(await browser.GetStringAsync(preview))),
            new("map", "name"), new("map", "email"), new("map", "company"), new("policy", "skip"),
        ]));
        var result = run.Headers.Location!.OriginalString;
        var running = WebUtility.HtmlDecode(await browser.GetStringAsync(result));
        Assert.Contains("id=\"import-progress-bar\"", running, StringComparison.Ordinal);
        Assert.Contains("0 of 20 rows", running, StringComparison.Ordinal);
        Assert.Contains("hx-get=\"" + preview + "/progress\"", running, StringComparison.Ordinal);
        var progress = await browser.GetAsync(preview + "/progress");
        Assert.Equal(HttpStatusCode.OK, progress.StatusCode);

        var cancel = await browser.PostAsync(preview + "/cancel", new FormUrlEncodedContent([new("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(running))]));

        Assert.Equal(result, cancel.Headers.Location?.OriginalString);
        Assert.False(await RunNextAsync(app));
        Assert.Contains("Import cancelled", WebUtility.HtmlDecode(await browser.GetStringAsync(result)), StringComparison.Ordinal);
        Assert.Equal(286, (int)(await browser.GetAsync(preview + "/progress")).StatusCode);   // htmx: stop polling
        Assert.Equal(0, await CountAsync(app, ws.Id, tag));
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient browser, string csv)
    {
        var page = await browser.GetStringAsync("/leads/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(CookieBrowser.AntiforgeryToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "people.csv" },
        };
        var response = await browser.PostAsync("/leads/import/upload", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static async Task<bool> RunNextAsync(LeadlineApp app, CancellationToken ct = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportJobRunner>().RunNextAsync(ct);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string location)
    {
        // polled as a client would; the worker runs it on its own (no timing asserted, only the outcome)
        for (var i = 0; i < 600; i++)
        {
            var job = await client.GetFromJsonAsync<JsonElement>(location);
            if (job.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
                return job;
            await Task.Delay(100);
        }
        throw new TimeoutException("The import job did not finish.");
    }

    private static async Task<HttpClient> AdminOfAsync(LeadlineApp app, int workspaceId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var email = await scope.ServiceProvider.GetRequiredService<LeadlineDb>().Users.IgnoreQueryFilters()
            .Where(u => u.WorkspaceId == workspaceId).Select(u => u.Email!).FirstAsync();
        return await TestWorkspace.ClientForAsync(app, email, TestWorkspace.Password);
    }

    private static string Tag() => "job" + Guid.NewGuid().ToString("N")[..8];

    private static string Csv(string tag, int rows) =>
        "name,email,company\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"Job Person {i},p{i}@{tag}.example,Co {i}\n"));

    private static async Task<int> CountAsync(LeadlineApp app, int workspaceId, string tag, bool distinct = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
        var leads = scope.ServiceProvider.GetRequiredService<LeadlineDb>().Leads.Where(l => l.Email!.EndsWith($"@{tag}.example"));
        return distinct ? await leads.Select(l => l.Email).Distinct().CountAsync() : await leads.CountAsync();
    }

    /// <summary>
    /// A database failing under a job, as when its process is gone: the progress record of its <paramref name="failAt"/>th
    /// batch fails (so that batch rolls back), and every later write of the job's record too (the stop, the heartbeat).
    /// </summary>
    private sealed class ImportProgressFault(int failAt) : DbCommandInterceptor
    {
        private int _progress;

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Check(command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        private void Check(DbCommand command)
        {
            if (!IsImportUpdate(command))
                return;
            var progress = command.CommandText.Contains("processed", StringComparison.Ordinal) ? Interlocked.Increment(ref _progress) : Volatile.Read(ref _progress);
            if (progress >= failAt)
                throw new InvalidOperationException("Simulated: the process is gone.");
        }
    }

    /// <summary>Runs an action just before the <c>n</c>th batch records its progress (in that batch's transaction), once armed.</summary>
    private sealed class ProgressHook : DbCommandInterceptor
    {
        private int _progress;
        private (int At, Action<DbCommand> Act)? _armed;

        public void Arm(int at, Action<DbCommand> act) => (_progress, _armed) = (0, (at, act));

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Check(command);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        private void Check(DbCommand command)
        {
            if (_armed is not { } armed || !IsImportUpdate(command) || !command.CommandText.Contains("processed", StringComparison.Ordinal))
                return;
            if (Interlocked.Increment(ref _progress) == armed.At)
            {
                _armed = null;
                armed.Act(command);
            }
        }
    }

    private static bool IsImportUpdate(DbCommand command) =>
        command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) && command.CommandText.Contains("imports", StringComparison.Ordinal);
}
