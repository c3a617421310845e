using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd.Infrastructure;

/// <summary>
/// Base of every browser test: opens isolated browser contexts (one per "person"), records what goes wrong in
/// them (console errors, uncaught exceptions, failed or 4xx/5xx requests), saves screenshots under
/// artifacts/e2e, and closes its contexts after the test (with a last screenshot of each page, useful on failure).
/// </summary>
public abstract partial class BrowserTest(LeadlineServer server) : IAsyncLifetime
{
    private readonly List<(IBrowserContext Context, IPage Page)> _opened = [];
    private readonly Lock _lock = new();
    private readonly List<string> _problems = [];
    private readonly List<string> _policyViolations = [];
    private string _test = "test";
    private int _serverErrorsBefore;

    // web-first assertions retry until they hold; their default of 5 s was too short for a form post that imports on
    // PostgreSQL while the other test classes' servers and browsers share the two cores (seen once in CI). A check that
    // holds returns at once, so only a failure waits longer.
    static BrowserTest() => SetDefaultExpectTimeout(15_000);

    protected LeadlineServer Server { get; } = server;

    /// <summary>Creates a lead in the server's (first) workspace through the app's own service; returns its id.</summary>
    protected async Task<int> CreateLeadAsync(string name, string? phone = null)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadlineDb>();
        scope.ServiceProvider.GetRequiredService<WorkspaceScope>().Enter(await db.Workspaces.Select(w => w.Id).FirstAsync());
        var present = new HashSet<string> { "name" };
        if (phone is not null)
            present.Add("phone");
        var result = await scope.ServiceProvider.GetRequiredService<LeadService>().CreateAsync(new LeadInput { Name = name, Phone = phone }, present, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.All));
        return result.Value!.Id;
    }

    /// <summary>Everything that went wrong in the pages of this test so far.</summary>
    protected IReadOnlyList<string> BrowserProblems
    {
        get
        {
            lock (_lock)
                return [.. _problems];
        }
    }

    /// <summary>A new browser context (no cookies: a separate person) with one page on the app's base URL.</summary>
    protected async Task<IPage> OpenPageAsync([CallerMemberName] string test = "")
    {
        _test = test;
        var context = await Server.Browser.NewContextAsync(new() { BaseURL = Server.BaseUrl, ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var index = _opened.Count + 1;
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (_lock)
                    _policyViolations.Add($"page {index}: {m.Text} ({m.Location})");
            }
            // a live re-fetch that a newer one replaced (hx-sync="this:replace") is aborted on purpose; htmx logs that as an error
            var superseded = m.Text.StartsWith("htmx:sendAbort", StringComparison.Ordinal) || m.Text.StartsWith("htmx:afterRequest", StringComparison.Ordinal);
            if (m.Type == "error" && !superseded && !IsKnownAppIssue(m.Location))
                Record($"page {index} console: {m.Text} ({m.Location})");
        };
        page.PageError += (_, e) => Record($"page {index} uncaught: {e}");
        page.RequestFailed += (_, r) =>
        {
            if (!IsKnownAppIssue(r.Url) && !IsCancelledByBrowser(r))
                Record($"page {index} request failed: {r.Method} {r.Url} {r.Failure}");
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !IsKnownAppIssue(r.Url))
                Record($"page {index} HTTP {r.Status}: {r.Request.Method} {r.Url}");
        };
        _opened.Add((context, page));
        return page;
    }

    /// <summary>Full-page PNG at artifacts/e2e/&lt;test&gt;-&lt;step&gt;.png.</summary>
    protected Task ShotAsync(IPage page, string step) =>
        page.ScreenshotAsync(new() { Path = Artifacts.Screenshot($"{_test}-{step}"), FullPage = true });

    /// <summary>No console errors, failed requests or error responses in the browser, and no error logs on the server.</summary>
    protected void AssertNothingBroke()
    {
        var browser = BrowserProblems;
        Assert.True(browser.Count == 0, "Problems in the browser:\n" + string.Join("\n", browser));
        // the server is shared by the tests of a class (which run one after another): only this test's lines count
        var server = Server.ServerErrors.Skip(_serverErrorsBefore).ToArray();
        Assert.True(server.Length == 0, "Errors logged by the server:\n" + string.Join("\n", server));
    }

    protected static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    /// <summary>Fills and submits the sign-in form of the page that is open, then waits until it has left /login.</summary>
    protected static async Task SubmitLoginAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#login-email", email);
        await page.FillAsync("#login-password", password);
        await page.ClickAsync("#login-submit");
        await Expect(page).Not.ToHaveURLAsync(LoginUrl());
    }

    protected static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await SubmitLoginAsync(page, email, password);
    }

    protected static Task SignInAsAdminAsync(IPage page) => SignInAsync(page, AdminServer.AdminEmail, AdminServer.AdminPassword);

    protected static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("#user-menu");
        await Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
        await page.ClickAsync("#sign-out");
        await Expect(page).ToHaveURLAsync(LoginUrl());
    }

    /// <summary>Creates a user through Settings → Users (the admin must be signed in on <paramref name="page"/>).</summary>
    protected static async Task<ILocator> CreateUserAsync(IPage page, string name, string email, string role, string password)
    {
        await page.GotoAsync("/settings/users");
        await page.ClickAsync("#new-user-toggle");
        await Expect(page.Locator("#new-user-form")).ToBeVisibleAsync();
        await page.FillAsync("#new-user-name", name);
        await page.FillAsync("#new-user-email", email);
        await page.SelectOptionAsync("#new-user-role", role);
        await page.FillAsync("#new-user-password", password);
        await page.ClickAsync("#new-user-submit");
        await Expect(page.Locator("#user-created")).ToContainTextAsync(email);
        var row = UserRow(page, email);
        await Expect(row).ToBeVisibleAsync();
        return row;
    }

    protected static ILocator UserRow(IPage page, string email) => page.Locator($"#users-table tr[data-email='{email}']");

    /// <summary>/login, with or without a query string.</summary>
    protected static Regex LoginUrl() => LoginUrlPattern();

    /// <summary>Exactly the path, with no query string.</summary>
    protected static Regex PathIs(string path) => new($"^https?://[^/]+{Regex.Escape(path)}$");

    public Task InitializeAsync()
    {
        _serverErrorsBefore = Server.ServerErrors.Count;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        for (var i = 0; i < _opened.Count; i++)
        {
            var (context, page) = _opened[i];
            try
            {
                if (!page.IsClosed)
                    await page.ScreenshotAsync(new() { Path = Artifacts.Screenshot($"{_test}-zz-final-page{i + 1}"), FullPage = true });
            }
            catch (PlaywrightException)
            {
                // a page that is gone cannot be photographed; the test result says what happened
            }
            await context.CloseAsync();
        }
        // every browser test fails on a refused script or style, whether or not it asks AssertNothingBroke
        lock (_lock)
            Assert.True(_policyViolations.Count == 0, "Content-Security-Policy violations:\n" + string.Join("\n", _policyViolations));
    }

    // the live-update stream is cut (ERR_ABORTED) whenever its page navigates or reloads: expected, not a fault
    /// <summary>
    /// A GET the browser itself gave up (net::ERR_ABORTED: the page navigated, started a download or stopped
    /// loading) says nothing about the app; a CI run saw a static script aborted after its page had already
    /// run it. Errors from the server still show as HTTP statuses, and refused or reset connections still count.
    /// </summary>
    private static bool IsCancelledByBrowser(IRequest request) =>
        request.Method == "GET" && request.Failure?.Contains("ERR_ABORTED", StringComparison.Ordinal) == true;

    private static bool IsKnownAppIssue(string urlOrLocation) => urlOrLocation.EndsWith("/events", StringComparison.Ordinal);

    private void Record(string problem)
    {
        lock (_lock)
            _problems.Add(problem);
    }

    [GeneratedRegex(@"/login(\?.*)?$")]
    private static partial Regex LoginUrlPattern();
}
