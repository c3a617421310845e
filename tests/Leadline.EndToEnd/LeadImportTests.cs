using System.Text;
using System.Text.RegularExpressions;
using Leadline.EndToEnd.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Leadline.EndToEnd;

/// <summary>CSV import from the Leads page: upload, preview with column matching, duplicate policy, result with row errors.</summary>
public sealed class LeadImportTests(AdminServer server) : BrowserTest(server), IClassFixture<AdminServer>, IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("leadline-import-e2e-");

    [Fact]
    public async Task Upload_match_columns_choose_a_policy_and_see_the_result()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var u = Guid.NewGuid().ToString("N")[..8];

        // a lead that row 5 of the file matches by e-mail (the policy will update it)
        await page.GotoAsync("/leads/new");
        await page.FillAsync("#lead-name", $"Dee Old{u}");
        await page.FillAsync("#lead-email", $"dee.{u}@example.com");
        await page.ClickAsync("#save-lead");
        await Expect(page.Locator("#lead-title")).ToHaveTextAsync($"Dee Old{u}");

        var csv = WriteFile("contacts.csv",
            "Full Name,E-mail,Company,Score,Favourite colour",
            $"Ada Tok{u},ada.{u}@example.com,Analytical Engines,80,blue",
            $"Bad Tok{u},bad.{u}@example.com,Oops Ltd,300,green",
            $"Cy Tok{u},cy.{u}@example.com,Cyan Co,40,red",
            $"Dee Olde{u},dee.{u}@example.com,Dee Corp,55,red",
            $"Eve Tok{u},eve.{u}@example.com,,,",
            $"Fay Tok{u},fay.{u}@example.com,\"Fay, Fox & Partners\",10,blue",
            $"ada tok{u},ADA.{u}@Example.com,Elsewhere,20,blue");   // the same person again, typed otherwise

        await page.GotoAsync("/leads");
        await page.ClickAsync("#import-csv");
        await Expect(page).ToHaveURLAsync(PathIs("/leads/import"));
        await page.SetInputFilesAsync("#csv-file", csv);
        await ShotAsync(page, "1-upload");
        await page.ClickAsync("#upload-submit");

        // preview: the first 5 of 7 rows, columns matched from their names, the unknown one ignored
        await Expect(page).ToHaveURLAsync(new Regex("/leads/import/[0-9a-f]{32}$"));
        await Expect(page.Locator("#upload-name")).ToHaveTextAsync("contacts.csv");
        await Expect(page.Locator("#preview-table tbody tr")).ToHaveCountAsync(5);
        await Expect(page.Locator("#preview-note")).ToHaveTextAsync("The first 5 of 7 rows");
        await Expect(page.Locator("#preview-table tbody tr").First.Locator("td")).ToHaveTextAsync(
            ["2", $"Ada Tok{u}", $"ada.{u}@example.com", "Analytical Engines", "80", "blue"]);
        await Expect(page.Locator("#map-0")).ToHaveValueAsync("name");
        await Expect(page.Locator("#map-1")).ToHaveValueAsync("email");
        await Expect(page.Locator("#map-2")).ToHaveValueAsync("company");
        await Expect(page.Locator("#map-3")).ToHaveValueAsync("score");
        await Expect(page.Locator("#map-4")).ToHaveValueAsync("ignore");
        await Expect(page.Locator("#map-4 option:checked")).ToHaveTextAsync("— ignore —");
        await Expect(page.Locator("#policy-skip")).ToBeCheckedAsync();
        await Expect(page.Locator("#no-name")).ToHaveCountAsync(0);
        await Expect(page.Locator("#import-submit")).ToBeEnabledAsync();
        await Expect(page.Locator("#mapping-summary")).ToHaveTextAsync("4 of 5 columns will be imported");
        await ShotAsync(page, "2-preview");

        // without a name column the import cannot start; the warning follows the choice as it changes
        var checks = new List<string>();
        page.Request += (_, r) => { if (r.Method == "GET" && r.Url.Contains("/leads/import/", StringComparison.Ordinal)) checks.Add(r.Url); };
        await page.SelectOptionAsync("#map-0", "ignore");
        await Expect(page.Locator("#no-name")).ToBeVisibleAsync();
        await Expect(page.Locator("#import-submit")).ToBeDisabledAsync();
        await ShotAsync(page, "3-no-name");
        await page.SelectOptionAsync("#map-0", "name");
        await Expect(page.Locator("#no-name")).ToHaveCountAsync(0);
        await Expect(page.Locator("#import-submit")).ToBeEnabledAsync();

        // one field for two columns is refused too
        await page.SelectOptionAsync("#map-4", "company");
        await Expect(page.Locator(".mapping-conflict")).ToContainTextAsync("Company is chosen for 2 columns (Company, Favourite colour)");
        await Expect(page.Locator("#import-submit")).ToBeDisabledAsync();
        await ShotAsync(page, "3-conflict");

        // the colour becomes a tag; duplicates update the lead that is already there
        await page.SelectOptionAsync("#map-4", "tags");
        await Expect(page.Locator(".mapping-conflict")).ToHaveCountAsync(0);
        await Expect(page.Locator("#mapping-summary")).ToHaveTextAsync("5 of 5 columns will be imported");
        await page.CheckAsync("#policy-update");
        Assert.NotEmpty(checks);
        Assert.All(checks, url => Assert.DoesNotContain("RequestVerificationToken", url, StringComparison.Ordinal));
        Assert.Contains(checks, url => url.Contains("map=name&map=email&map=company&map=score&map=tags", StringComparison.Ordinal));
        await Expect(page.Locator("#import-submit")).ToBeEnabledAsync();
        await page.ClickAsync("#import-submit");

        // result: 4 new, Dee updated, the second Ada skipped, row 3 refused with its reason
        await Expect(page).ToHaveURLAsync(new Regex("/leads/import/[0-9a-f]{32}/result$"));
        await Expect(page.Locator("#created-count")).ToHaveTextAsync("4");
        await Expect(page.Locator("#updated-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#skipped-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#error-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#import-errors tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#import-errors tr[data-row='3'] td").First).ToHaveTextAsync("3");
        await Expect(page.Locator("#import-errors tr[data-row='3']")).ToContainTextAsync("Score must be between 0 and 100.");
        await ShotAsync(page, "4-result");

        // the leads are there, searchable, with the matched columns (and no lead from the bad row)
        await page.ClickAsync("#view-leads");
        await Expect(page).ToHaveURLAsync(PathIs("/leads"));
        await page.GotoAsync($"/leads?q={u}");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync("5");
        await Expect(page.Locator("#lead-table .lead-name", new() { HasText = $"Ada Tok{u}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-table .lead-name", new() { HasText = $"Bad Tok{u}" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#lead-table .lead-row", new() { HasText = $"Fay Tok{u}" })).ToContainTextAsync("Fay, Fox & Partners");
        var dee = page.Locator("#lead-table .lead-row", new() { HasText = $"dee.{u}@example.com" });
        await Expect(dee.Locator(".lead-name")).ToHaveTextAsync($"Dee Olde{u}");   // "update" takes the file's values, the name too
        await Expect(dee).ToContainTextAsync("Dee Corp");
        await ShotAsync(page, "5-leads");
        await page.GotoAsync($"/leads?q={u}&tag=blue");
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveCountAsync(2);
        await Expect(page.Locator("#lead-table .lead-name", new() { HasText = $"Ada Tok{u}" })).ToBeVisibleAsync();
        await Expect(page.Locator("#lead-table .lead-name", new() { HasText = $"Fay Tok{u}" })).ToBeVisibleAsync();
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_file_that_is_not_a_usable_csv_is_refused_inline_and_nothing_is_imported()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        await page.GotoAsync("/leads");
        var total = await page.Locator("#lead-total").InnerTextAsync();

        var cases = new (string Step, string File, string Message)[]
        {
            ("1-not-csv", WriteFile("notes.txt", "name,email", "Zed,zed@example.com"), "Only .csv files can be imported."),
            ("2-empty", WriteBytes("empty.csv", []), "The file is empty."),
            ("3-binary", WriteBytes("workbook.csv", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), "not plain-text CSV"),
            ("4-header-only", WriteFile("header.csv", "Full Name,E-mail"), "header row but no leads"),
        };
        await page.GotoAsync("/leads/import");
        foreach (var (step, file, message) in cases)
        {
            await page.SetInputFilesAsync("#csv-file", file);
            await page.ClickAsync("#upload-submit");
            await Expect(page).ToHaveURLAsync(new Regex("/leads/import\\?error=\\w+$"));
            await Expect(page.Locator("#upload-error")).ToBeVisibleAsync();
            await Expect(page.Locator("#upload-error")).ToContainTextAsync(message);
            await Expect(page.Locator("#csv-file")).ToHaveClassAsync(new Regex("is-invalid"));
            await ShotAsync(page, step);
        }

        // over 20 MB: the browser refuses to send it ...
        var big = WriteBytes("big.csv", BigCsv());
        await page.GotoAsync("/leads/import");
        await page.SetInputFilesAsync("#csv-file", big);
        await Expect(page.Locator("#csv-file")).ToHaveJSPropertyAsync("validationMessage", "The file is larger than 20 MB. Split it into smaller files and import them one after another.");
        await page.ClickAsync("#upload-submit");
        await Expect(page).ToHaveURLAsync(PathIs("/leads/import"));

        // ... and the server refuses it when sent anyway (no script, another client)
        var landed = await page.EvaluateAsync<string>("""
            async (token) => {
                const form = new FormData();
                form.append('__RequestVerificationToken', token);
                form.append('file', new Blob([new Uint8Array(21 * 1024 * 1024).fill(120)], { type: 'text/csv' }), 'big.csv');
                const response = await fetch('/leads/import/upload', { method: 'POST', body: form });
                return response.url;
            }
            """, await page.Locator("#upload-form input[name=__RequestVerificationToken]").InputValueAsync());
        Assert.EndsWith("/leads/import?error=toobig", landed, StringComparison.Ordinal);
        await page.GotoAsync(landed);
        await Expect(page.Locator("#upload-error")).ToContainTextAsync("larger than 20 MB");

        await page.GotoAsync("/leads");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync(total);
        AssertNothingBroke();
    }

    [Fact]
    public async Task A_20000_row_file_imports_as_a_job_whose_progress_bar_reaches_100_percent()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var u = Guid.NewGuid().ToString("N")[..8];
        const int rows = 20_000;
        var csv = WriteFile("many.csv", [
            "Name,Email,Company",
            .. Enumerable.Range(1, rows).Select(i => $"Many {u} {i},many{i}.{u}@example.com,Company {i % 97}")]);
        var polls = new List<string>();
        page.Response += (_, r) => { if (r.Url.EndsWith("/progress", StringComparison.Ordinal)) polls.Add(r.Url); };

        await page.GotoAsync("/leads/import");
        await page.SetInputFilesAsync("#csv-file", csv);
        await page.ClickAsync("#upload-submit");
        await Expect(page.Locator("#preview-note")).ToHaveTextAsync($"The first 5 of {rows:N0} rows");
        await page.ClickAsync("#import-submit");

        // the job runs in the background: the page follows it with a progress bar, its rows and a Cancel button
        await Expect(page).ToHaveURLAsync(new Regex("/leads/import/[0-9a-f]{32}/result$"));
        await Expect(page.Locator("#import-progress-bar")).ToBeVisibleAsync();
        await Expect(page.Locator("#cancel-import")).ToBeVisibleAsync();
        await Expect(page.Locator("#import-rows")).ToContainTextAsync($"of {rows:N0} rows");
        await ShotAsync(page, "6-progress");

        // it reaches the end on its own, and the page shows the result
        await Expect(page.Locator("#import-progress-bar")).ToHaveAttributeAsync("aria-valuenow", "100", new() { Timeout = 120_000 });
        await Expect(page.Locator("#import-progress-bar")).ToContainTextAsync("100 %");
        await Expect(page.Locator("#import-rows")).ToHaveTextAsync($"{rows:N0} of {rows:N0} rows");
        await Expect(page.Locator("#import-rate")).ToContainTextAsync("rows/s");
        await Expect(page.Locator("#created-count")).ToHaveTextAsync(rows.ToString("N0"));
        await Expect(page.Locator("#cancel-import")).ToHaveCountAsync(0);
        Assert.NotEmpty(polls);
        await ShotAsync(page, "7-job-done");
        await page.SetViewportSizeAsync(390, 844);
        await ShotAsync(page, "8-job-done-phone");
        AssertNothingBroke();
    }

    [Fact]
    public async Task Reloading_the_result_or_submitting_the_preview_again_does_not_import_twice()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var u = Guid.NewGuid().ToString("N")[..8];
        var csv = WriteFile("twice.csv", "Name,Email", $"Rex One{u},rex1.{u}@example.com", $"Rex Two{u},rex2.{u}@example.com");

        await page.GotoAsync("/leads/import");
        await page.SetInputFilesAsync("#csv-file", csv);
        await page.ClickAsync("#upload-submit");
        await Expect(page.Locator("#preview-note")).ToHaveTextAsync("All 2 rows");
        var previewUrl = page.Url;

        // both form posts need the antiforgery token of the form: without it nothing happens
        var noToken = await page.APIRequest.PostAsync(previewUrl + "/run", new() { Form = FormWith(page, ("map", "name"), ("map", "email"), ("policy", "create")), MaxRedirects = 0 });
        Assert.Equal(302, noToken.Status);
        Assert.EndsWith("?error=form", noToken.Headers["location"], StringComparison.Ordinal);
        var uploadWithoutToken = page.APIRequest.CreateFormData();
        uploadWithoutToken.Set("file", new FilePayload { Name = "x.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("name\nX\n") });
        var noUpload = await page.APIRequest.PostAsync("/leads/import/upload", new() { Multipart = uploadWithoutToken, MaxRedirects = 0 });
        Assert.Equal(302, noUpload.Status);
        Assert.Equal("/leads/import?error=form", noUpload.Headers["location"]);

        // the same preview in two more tabs, as after a double click or a forgotten tab; "create" would add the rows again
        var second = await page.Context.NewPageAsync();
        await second.GotoAsync(previewUrl);
        await second.CheckAsync("#policy-create");
        await Expect(second.Locator("#import-submit")).ToBeEnabledAsync();
        var third = await page.Context.NewPageAsync();
        await third.GotoAsync(previewUrl);

        await page.CheckAsync("#policy-create");
        await page.ClickAsync("#import-submit");
        await Expect(page.Locator("#created-count")).ToHaveTextAsync("2");
        var resultUrl = page.Url;
        await page.ReloadAsync();
        await Expect(page.Locator("#created-count")).ToHaveTextAsync("2");

        // submitting the stale form shows the same result instead of importing again
        await second.ClickAsync("#import-submit");
        await Expect(second).ToHaveURLAsync(resultUrl);
        await Expect(second.Locator("#created-count")).ToHaveTextAsync("2");

        // touching the matches of a stale page takes it to the result too
        await third.SelectOptionAsync("#map-1", "ignore");
        await Expect(third).ToHaveURLAsync(resultUrl);
        await Expect(third.Locator("#created-count")).ToHaveTextAsync("2");
        await second.CloseAsync();
        await third.CloseAsync();

        // the preview of an imported file leads to its result
        await page.GotoAsync(previewUrl);
        await Expect(page).ToHaveURLAsync(resultUrl);

        await page.GotoAsync($"/leads?q={u}");
        await Expect(page.Locator("#lead-total")).ToHaveTextAsync("2");
        await Expect(page.Locator("#lead-table .lead-name")).ToHaveCountAsync(2);
        AssertNothingBroke();
    }

    [Fact]
    public async Task An_excel_csv_with_semicolons_and_accents_reads_correctly()
    {
        var page = await OpenPageAsync();
        await SignInAsAdminAsync(page);
        var u = Guid.NewGuid().ToString("N")[..8];
        // what Excel writes in much of Europe: Windows-1252, semicolon separated, CRLF
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        var csv = WriteBytes("excel.csv", windows1252.GetBytes($"Nom;Email Address;Company Name;Town\r\nZoë Müller{u};zoe.{u}@example.com;Café Crème SARL;Besançon\r\n"));

        await page.GotoAsync("/leads/import");
        await page.SetInputFilesAsync("#csv-file", csv);
        await page.ClickAsync("#upload-submit");
        await Expect(page.Locator("#preview-table tbody tr td")).ToHaveTextAsync(["2", $"Zoë Müller{u}", $"zoe.{u}@example.com", "Café Crème SARL", "Besançon"]);
        await Expect(page.Locator("#map-0")).ToHaveValueAsync("ignore");
        await Expect(page.Locator("#map-1")).ToHaveValueAsync("email");
        await Expect(page.Locator("#map-2")).ToHaveValueAsync("company");
        await Expect(page.Locator("#map-3")).ToHaveValueAsync("city");
        await Expect(page.Locator("#no-name")).ToBeVisibleAsync();
        await Expect(page.Locator("#import-submit")).ToBeDisabledAsync();
        await page.SelectOptionAsync("#map-0", "name");
        await Expect(page.Locator("#import-submit")).ToBeEnabledAsync();
        await page.ClickAsync("#import-submit");
        await Expect(page.Locator("#created-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("#import-clean")).ToBeVisibleAsync();

        await page.GotoAsync($"/leads?q={u}");
        await Expect(page.Locator("#lead-table .lead-row")).ToContainTextAsync($"Zoë Müller{u}");
        await Expect(page.Locator("#lead-table .lead-row")).ToContainTextAsync("Café Crème SARL");
        AssertNothingBroke();
    }

    public void Dispose()
    {
        try
        {
            _files.Delete(recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }

    private string WriteFile(string name, params string[] lines) =>
        WriteBytes(name, Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    private string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(_files.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static IFormData FormWith(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
            form.Append(name, value);
        return form;
    }

    private static byte[] BigCsv()
    {
        var bytes = new byte[21 * 1024 * 1024];
        Array.Fill(bytes, (byte)'x');
        "name\n"u8.CopyTo(bytes);
        return bytes;
    }
}
