using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;

namespace Leadline.Tests.Notes;

/// <summary>Photos and files on notes: the note form and the API, the limits, and downloads only inside the workspace.</summary>
public sealed class NoteAttachmentTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    // a 1×1 PNG
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
    private static readonly byte[] Pdf = "%PDF-1.4\n% a tiny document\n%%EOF\n"u8.ToArray();

    private static ByteArrayContent File(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static async Task<HttpResponseMessage> PostNoteAsync(HttpClient browser, int lead, string token, string text, params (byte[] Bytes, string Name, string Type)[] files)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(text), "text" },
        };
        foreach (var (bytes, name, type) in files)
            form.Add(File(bytes, type), "files", name);
        return await browser.PostAsync($"/leads/{lead}/notes", form);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_note_with_a_photo_and_a_file_shows_a_thumbnail_and_a_link_downloadable_only_in_the_workspace(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Photo Person" })).GetProperty("id").GetInt32();
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var token = CookieBrowser.AntiforgeryToken(await browser.GetStringAsync($"/leads/{lead}?tab=notes"));

        var saved = await PostNoteAsync(browser, lead, token, "The broken boiler, before", (Png, "boiler.png", "image/png"), (Pdf, "quote.pdf", "application/pdf"));
        Assert.Equal($"/leads/{lead}?tab=notes&saved=1", saved.Headers.Location?.OriginalString);

        var notes = await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes");
        var files = notes.GetProperty("items")[0].GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["boiler.png", "quote.pdf"], files.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal([true, false], files.Select(f => f.GetProperty("image").GetBoolean()));
        var photoId = files[0].GetProperty("id").GetInt32();

        var page = await browser.GetStringAsync($"/leads/{lead}?tab=notes");
        Assert.Contains($"<img src=\"/leads/{lead}/attachments/{photoId}\" alt=\"boiler.png\" class=\"note-thumb\"", page);
        Assert.Matches($"href=\"/leads/{lead}/attachments/{files[1].GetProperty("id").GetInt32()}\" class=\"note-file small\" download=\"quote.pdf\"", page);

        // the workspace's users download it (page and API); the file type is ours, not the upload's
        var photo = await browser.GetAsync($"/leads/{lead}/attachments/{photoId}");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/png", photo.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await photo.Content.ReadAsByteArrayAsync());
        var pdf = await ws.Admin.GetAsync(files[1].GetProperty("url").GetString());
        Assert.Equal(Pdf, await pdf.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition?.DispositionType);

        // nobody else: another workspace's admin finds nothing, a visitor is sent to sign in
        var other = await TestWorkspace.CreateAsync(app);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Admin.GetAsync(files[0].GetProperty("url").GetString())).StatusCode);
        var otherBrowser = await CookieBrowser.SignInAsync(app, other.AdminEmail);
        Assert.Equal(HttpStatusCode.NotFound, (await otherBrowser.GetAsync($"/leads/{lead}/attachments/{photoId}")).StatusCode);
        var visitor = await CookieBrowser.Open(app).GetAsync($"/leads/{lead}/attachments/{photoId}");
        Assert.Contains("/login", visitor.Headers.Location?.OriginalString);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task Disguised_oversized_or_too_many_files_are_refused_and_nothing_is_saved(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var lead = (await ws.Admin.CreateLeadAsync(new { name = "Limit Person" })).GetProperty("id").GetInt32();
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var token = CookieBrowser.AntiforgeryToken(await browser.GetStringAsync($"/leads/{lead}?tab=notes"));

        var program = "MZ\x90\0 not a picture"u8.ToArray();
        Assert.Equal(HttpStatusCode.Redirect, (await PostNoteAsync(browser, lead, token, "disguised", (program, "holiday.jpg", "image/jpeg"))).StatusCode);
        Assert.Contains("holiday.jpg: attach photos", System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync($"/leads/{lead}?tab=notes")));
        await PostNoteAsync(browser, lead, token, "svg", ("<svg onload=alert(1)/>"u8.ToArray(), "x.svg", "image/svg+xml"));
        var big = new byte[10 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        await PostNoteAsync(browser, lead, token, "too big", (big, "huge.png", "image/png"));
        await PostNoteAsync(browser, lead, token, "too many", [.. Enumerable.Range(1, 6).Select(i => (Png, $"p{i}.png", "image/png"))]);
        Assert.Equal(0, (await ws.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/leads/{lead}/notes")).GetProperty("total").GetInt32());

        // the API: a note first (the JSON contract as before), then its files; a bad one refused naming the field
        var note = await ws.Admin.PostAsJsonAsync($"/api/v1/leads/{lead}/notes", new { text = "Photos follow" });
        var noteId = (await note.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using (var bad = new MultipartFormDataContent { { File(program, "image/png"), "file", "fake.png" } })
            Assert.True((await (await ws.Admin.PostAsync($"/api/v1/leads/{lead}/notes/{noteId}/attachments", bad)).ErrorsAsync()).TryGetProperty("file", out _));
        using (var good = new MultipartFormDataContent { { File(Png, "image/png"), "file", "after.png" } })
        {
            var added = await ws.Admin.PostAsync($"/api/v1/leads/{lead}/notes/{noteId}/attachments", good);
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal("after.png", (await added.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("name").GetString());
        }
        await using var scope = ws.Scope(out var d);
        Assert.Equal(1, await d.NoteAttachments.CountAsync());
    }
}
