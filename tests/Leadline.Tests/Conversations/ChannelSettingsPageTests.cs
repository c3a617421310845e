using System.Net;
using System.Text.Json.Nodes;
using Leadline.Channels;
using Leadline.Conversations.Email;
using Leadline.Tests.TestInfrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadline.Tests.Conversations;

/// <summary>Settings → Channels adds and edits every kind of channel through one form per kind (<see cref="ChannelForms"/>).</summary>
public sealed class ChannelSettingsPageTests(ChannelFixture fixture) : IClassFixture<ChannelFixture>
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string page, Dictionary<string, string> fields)
    {
        var html = await browser.GetStringAsync(page);
        var form = fields.Select(f => KeyValuePair.Create(f.Key, f.Value)).ToList();
        form.Add(KeyValuePair.Create("__RequestVerificationToken", CookieBrowser.AntiforgeryToken(html)));
        return await browser.PostAsync("/settings/channels/save", new FormUrlEncodedContent(form));
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_mailbox_an_sms_number_and_a_page_are_added_from_the_page_with_typed_settings_and_hidden_secrets(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        async Task<Channel?> ChannelAsync(string name)
        {
            await using var scope = ws.Scope(out var data);
            return await data.Channels.AsNoTracking().SingleOrDefaultAsync(c => c.Name == name);
        }
        IReadOnlyDictionary<string, string> Secrets(Channel c) => app.Services.GetRequiredService<ChannelSecrets>().Read(c);

        var form = await browser.GetStringAsync("/settings/channels?add=email");
        Assert.Contains("New E-mail mailbox", form, StringComparison.Ordinal);
        Assert.Contains("id=\"ch-smtpPort\"", form, StringComparison.Ordinal);
        var saved = await PostFormAsync(browser, "/settings/channels?add=email", new()
        {
            ["kind"] = "email", ["name"] = "Office", ["fromAddress"] = "office@example.com", ["smtpHost"] = "127.0.0.1", ["smtpPort"] = "2525",
            ["useTls"] = "false", ["imapHost"] = "127.0.0.1", ["imapPort"] = "1143", ["username"] = "office", ["password"] = "mail-password-secret",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var mailbox = (await ChannelAsync("Office"))!;
        Assert.Equal(ChannelKind.Email, mailbox.Kind);
        var settings = JsonNode.Parse(mailbox.Settings)!.AsObject();
        // typed as the API takes them: a port is a number, a box a boolean
        Assert.Equal((2525, false, 1143), (settings["smtpPort"]!.GetValue<int>(), settings["useTls"]!.GetValue<bool>(), settings["imapPort"]!.GetValue<int>()));
        Assert.Equal(("office", "mail-password-secret"), (Secrets(mailbox)["username"], Secrets(mailbox)["password"]));
        var page = await browser.GetStringAsync("/settings/channels");
        Assert.Contains($"id=\"channel-{mailbox.Id}\" data-kind=\"email\"", page, StringComparison.Ordinal);
        Assert.Contains("not read yet", page, StringComparison.Ordinal);
        Assert.DoesNotContain("mail-password-secret", page, StringComparison.Ordinal);

        // the poller's last error shows on the card
        await using (var scope = ws.Scope(out var data))
        {
            data.EmailMailboxes.Add(new EmailMailbox { ChannelId = mailbox.Id, WorkspaceId = ws.Id, UidValidity = 1, LastUid = 0, PolledAt = app.Clock.GetUtcNow().UtcDateTime,
                Error = "AuthenticationException: Authentication failed." });
            await data.SaveChangesAsync();
        }
        Assert.Contains("Could not be read: AuthenticationException: Authentication failed.", await browser.GetStringAsync("/settings/channels"), StringComparison.Ordinal);

        // edited: a blank password keeps the stored one; the box turns the channel off
        Assert.Equal(HttpStatusCode.Redirect, (await PostFormAsync(browser, $"/settings/channels?edit={mailbox.Id}", new()
        {
            ["id"] = mailbox.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["name"] = "Office mail", ["fromAddress"] = "office@example.com",
            ["smtpHost"] = "smtp.example.com", ["smtpPort"] = "587", ["useTls"] = "false", ["password"] = "", ["active"] = "false",
        })).StatusCode);
        var edited = (await ChannelAsync("Office mail"))!;
        Assert.False(edited.Active);
        Assert.Equal("smtp.example.com", JsonNode.Parse(edited.Settings)!["smtpHost"]!.GetValue<string>());
        Assert.Equal("mail-password-secret", Secrets(edited)["password"]);

        // SMS: the Twilio webhook URL to paste; Messenger: Meta's, with a generated verify token
        await PostFormAsync(browser, "/settings/channels?add=sms", new()
        {
            ["kind"] = "sms", ["name"] = "Texts", ["accountSid"] = "AC" + new string('0', 32), ["fromNumber"] = "+15005550006", ["authToken"] = "twilio-token",
        });
        await PostFormAsync(browser, "/settings/channels?add=messenger", new()
        {
            ["kind"] = "messenger", ["name"] = "Facebook", ["pageId"] = "1234567890", ["accessToken"] = "page-token", ["appSecret"] = "page-secret",
        });
        var sms = (await ChannelAsync("Texts"))!;
        var messenger = (await ChannelAsync("Facebook"))!;
        page = await browser.GetStringAsync("/settings/channels");
        Assert.Contains($"/webhooks/twilio/{sms.Id}</code>", page, StringComparison.Ordinal);
        Assert.Contains($"/webhooks/meta/{messenger.Id}</code>", page, StringComparison.Ordinal);
        var verify = JsonNode.Parse(messenger.Settings)!["verifyToken"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", verify);
        Assert.Contains($"id=\"channel-verify-{messenger.Id}\">{verify}</code>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("twilio-token", page, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task A_form_missing_a_required_setting_or_naming_no_kind_saves_nothing_and_says_why(Db db)
    {
        var app = await fixture.For(db);
        var ws = await TestWorkspace.CreateAsync(app);
        var browser = await CookieBrowser.SignInAsync(app, ws.AdminEmail);
        var refused = await PostFormAsync(browser, "/settings/channels?add=sms", new() { ["kind"] = "sms", ["name"] = "Texts", ["authToken"] = "t" });
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/settings/channels?add=sms", refused.Headers.Location?.OriginalString);
        Assert.Contains("settings.accountSid", await browser.GetStringAsync("/settings/channels?add=sms"), StringComparison.Ordinal);
        var unknown = await PostFormAsync(browser, "/settings/channels", new() { ["kind"] = "carrier-pigeon", ["name"] = "Coo" });
        Assert.Contains("Choose what to add", await browser.GetStringAsync(unknown.Headers.Location!.OriginalString), StringComparison.Ordinal);
        await using var scope = ws.Scope(out var data);
        Assert.Equal(0, await data.Channels.CountAsync());
    }
}
