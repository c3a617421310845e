using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadline.Data;
using Leadline.Leads;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Leads;

/// <summary>
/// An import that stops part-way says what landed and where to resume (issue 17, item 16): the API's answer after a
/// failure; and the web import, a job since issue 18, after the app died mid-file and another one took it over.
/// </summary>
public sealed partial class ImportInterruptionTests
{
    private const int Rows = 25_000;   // three batches of the import's 10,000

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_api_import_over_the_limit_answers_413_naming_it_and_imports_nothing(Db db)
    {
        await using var app = await LeadlineApp.StartAsync(db, new Dictionary<string, string?> { ["Leadline:Imports:MaxRequestMegabytes"] = "1" });
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var csv = Encoding.UTF8.GetBytes(Csv(tag, 30_000));   // about 1.4 MB
        Assert.True(csv.Length > 1024 * 1024);

        foreach (HttpContent body in new HttpContent[] { new ByteArrayContent(csv), new ChunkedContent(csv) })
        {
            body.Headers.ContentType = new("text/csv");
            var response = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=create", body);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(1, problem.GetProperty("limitMegabytes").GetInt32());
            Assert.Contains("1 MB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        await using var scope = ws.Scope(out var leadlineDb);
        Assert.Equal(0, await leadlineDb.Leads.CountAsync(l => l.Email!.EndsWith($"@{tag}.example")));
        Assert.Equal(0, await leadlineDb.Imports.CountAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task An_api_import_failing_after_its_first_batch_says_what_landed_and_a_run_from_resumeFromRow_completes_the_file(Db db)
    {
        var fault = new ImportProgressFault(failAt: 2, keepFailing: false);
        await using var app = new LeadlineApp(await TestDatabase.CreateAsync(db), services: s => s.AddSingleton<IInterceptor>(fault));
        var ws = await TestWorkspace.CreateAsync(app);
        var tag = Tag();
        var csv = Csv(tag, Rows);

        var failed = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=create", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal("application/problem+json", failed.Content.Headers.ContentType?.MediaType);
        var problem = await failed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(10_000, problem.GetProperty("committedRows").GetInt32());
        Assert.Equal(10_002, problem.GetProperty("resumeFromRow").GetInt64());
        Assert.Equal(10_000, problem.GetProperty("created").GetInt32());
        Assert.Contains("?fromRow=10002", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(10_000, await CountAsync(app, ws.Id, tag));   // the first batch only: the second was rolled back whole
        Assert.Contains(app.Logs, l => l.Contains("resume from row 10002", StringComparison.Ordinal));

        var rest = await ws.Admin.PostAsync("/api/v1/leads/import?onDuplicate=create&fromRow=10002", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        Assert.Equal(Rows - 10_000, (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("created").GetInt32());
        Assert.Equal(Rows, await CountAsync(app, ws.Id, tag));
        Assert.Equal(Rows, await CountAsync(app, ws.Id, tag, distinct: true));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_web_import_whose_app_died_mid_file_shows_its_progress_and_is_finished_once_by_the_next_instance(Db db)
    {
        await using var database = await TestDatabase.CreateAsync(db);
        var noWorker = new Dictionary<string, string?> { ["Leadline:Imports:JobsEnabled"] = "false" };   // the test runs the jobs
        var tag = Tag();
        Guid upload;
        int workspaceId;
        string adminEmail;
        // the first app dies after its first batch: every later write of the import's record fails, as if the process were killed
        await using (var first = new LeadlineApp(database, noWorker, ownsDatabase: false, services: s => s.AddSingleton<IInterceptor>(new ImportProgressFault(failAt: 2, keepFailing: true))))
        {
            var ws = await TestWorkspace.CreateAsync(first);
            (workspaceId, adminEmail) = (ws.Id, ws.AdminEmail);
            using var browser = await CookieBrowser.SignInAsync(first, adminEmail);
            upload = await UploadAsync(browser, Csv(tag, Rows));
            var preview = await browser.GetStringAsync($"/leads/import/{upload:N}");
            var run = await browser.PostAsync($"/leads/import/{upload:N}/run", new FormUrlEncodedContent(
            [
                new("__RequestVerificationToken", Token(preview)), new("map", "name"), new("map", "email"), new("map", "company"), new("policy", "create"),
            ]));
            Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
            Assert.True(await RunNextJobAsync(first));
            await using var scope = Scope(first, workspaceId, out var firstDb);
            var record = await firstDb.Imports.SingleAsync();
            Assert.Equal(ImportStatus.Running, record.Status);   // nobody could record the stop
            Assert.Equal(10_000, record.Processed);
            var progress = WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/import/{upload:N}/result"));
            Assert.Contains("id=\"import-progress-bar\"", progress, StringComparison.Ordinal);
            Assert.Contains($"{10_000:N0} of {Rows:N0} rows", progress, StringComparison.Ordinal);
        }

        await using var second = new LeadlineApp(database, noWorker, ownsDatabase: false);
        second.Clock.Advance(ImportRuns.StaleAfter + TimeSpan.FromSeconds(1));   // the dead app's heartbeat is stale: its job is taken over

        Assert.True(await RunNextJobAsync(second));

        using var again = await CookieBrowser.SignInAsync(second, adminEmail);
        var finished = WebUtility.HtmlDecode(await again.GetStringAsync($"/leads/import/{upload:N}/result"));
        Assert.Contains("Import finished", finished, StringComparison.Ordinal);
        Assert.Contains($"id=\"created-count\">{Rows:N0}<", finished, StringComparison.Ordinal);
        Assert.Equal(Rows, await CountAsync(second, workspaceId, tag));
        Assert.Equal(Rows, await CountAsync(second, workspaceId, tag, distinct: true));
    }

    private static async Task<bool> RunNextJobAsync(LeadlineApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ImportJobRunner>().RunNextAsync(CancellationToken.None);
    }

    private static string Tag() => "imp" + Guid.NewGuid().ToString("N")[..8];

    private static string Csv(string tag, int rows) =>
        "name,email,company\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"Resumed Person {i},p{i}@{tag}.example,Co {i}\n"));

    private static string Token(string page) => AntiforgeryToken().Match(page).Groups[1].Value;

    private static async Task<Guid> UploadAsync(HttpClient browser, string csv)
    {
        var page = await browser.GetStringAsync("/leads/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Token(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "people.csv" },
        };
        var response = await browser.PostAsync("/leads/import/upload", form);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
    }

    private static AsyncServiceScope Scope(LeadlineApp app, int workspaceId, out LeadlineDb db)
    {
        var scope = app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(workspaceId);
        db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        return scope;
    }

    private static async Task<int> CountAsync(LeadlineApp app, int workspaceId, string tag, bool distinct = false)
    {
        await using var scope = Scope(app, workspaceId, out var db);
        var leads = db.Leads.Where(l => l.Email!.EndsWith($"@{tag}.example"));
        return distinct ? await leads.Select(l => l.Email).Distinct().CountAsync() : await leads.CountAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>
    /// A database failing under an import: the progress record of its <paramref name="failAt"/>th batch fails (so that batch
    /// rolls back); with <paramref name="keepFailing"/> every later write of the record fails too, as when the process is gone.
    /// </summary>
    private sealed class ImportProgressFault(int failAt, bool keepFailing) : DbCommandInterceptor
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
            var sql = command.CommandText;
            if (!sql.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || !sql.Contains("imports", StringComparison.Ordinal))
                return;
            var progress = sql.Contains("processed", StringComparison.Ordinal) ? Interlocked.Increment(ref _progress) : Volatile.Read(ref _progress);
            if (progress == failAt && sql.Contains("processed", StringComparison.Ordinal) || keepFailing && progress >= failAt)
                throw new InvalidOperationException("Simulated: the database connection broke.");
        }
    }

    /// <summary>A body sent without Content-Length (chunked), as a streaming client sends it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
