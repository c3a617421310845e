using System.Globalization;
using System.Text.Json.Nodes;
using Leadline.Common.Forms;
using Microsoft.Extensions.Primitives;

namespace Leadline.Channels;

/// <summary>How a setting is typed in the form and stored in the channel's settings (as API.md shows them).</summary>
public enum ChannelFieldType
{
    Text,
    Number,
    Flag,
    Secret,
}

/// <summary>
/// One input of a channel's form: a setting, or a secret (write-only: a blank input keeps the stored one; typed as a
/// password unless <paramref name="Masked"/> is false, as a user name is).
/// </summary>
public sealed record ChannelField(
    string Key, string Label, ChannelFieldType Type = ChannelFieldType.Text, bool Required = false, string? Placeholder = null, string? Hint = null, bool Masked = true);

/// <summary>What Settings → Channels offers to add for a kind, and the inputs of its form.</summary>
public sealed record ChannelForm(ChannelKind Kind, string Noun, string Icon, string Explanation, IReadOnlyList<ChannelField> Fields)
{
    /// <summary>The form's posted values as the channel's settings and secrets (blank secrets left out: the stored ones stay).</summary>
    public (JsonObject Settings, Dictionary<string, string?> Secrets) Read(IFormCollection form)
    {
        var settings = new JsonObject();
        var secrets = new Dictionary<string, string?>();
        foreach (var field in Fields)
        {
            var posted = form.TryGetValue(field.Key, out var v) ? v : StringValues.Empty;
            var text = FormValues.Text(posted);
            switch (field.Type)
            {
                case ChannelFieldType.Secret when text is not null:
                    secrets[field.Key] = text;
                    break;
                case ChannelFieldType.Flag:
                    // a hidden "false" goes before the box: ticked posts both, unticked only the "false"
                    settings[field.Key] = posted.Contains("true");
                    break;
                case ChannelFieldType.Number:
                    settings[field.Key] = text is null ? null
                        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(text);
                    break;
                case ChannelFieldType.Text:
                    settings[field.Key] = text;
                    break;
            }
        }
        return (settings, secrets);
    }
}

/// <summary>
/// The channels an admin can add under Settings → Channels, one form each, and the settings their senders and inbound
/// paths read (<see cref="ChannelService"/> checks the required ones; the web form has its own card).
/// </summary>
public static class ChannelForms
{
    private static readonly ChannelField AccessToken = new("accessToken", "Access token", ChannelFieldType.Secret, Required: true);
    private static readonly ChannelField AppSecret = new("appSecret", "App secret", ChannelFieldType.Secret, Required: true, Hint: "checks the signature of Meta's webhooks");
    private static readonly ChannelField VerifyToken = new("verifyToken", "Verify token", Hint: "blank: one is generated");

    public static readonly IReadOnlyList<ChannelForm> All =
    [
        new(ChannelKind.Whatsapp, "WhatsApp number", "bi-whatsapp text-success",
            "In Meta's app dashboard (WhatsApp → Configuration) paste the webhook URL and verify token shown here and subscribe to messages.",
            [
                new("displayPhone", "Display number", Placeholder: "+852 9123 4567"),
                new("phoneNumberId", "Phone number ID", Required: true),
                new("wabaId", "WhatsApp Business Account ID", Required: true),
                AccessToken, AppSecret, VerifyToken,
            ]),
        new(ChannelKind.Messenger, "Facebook Page (Messenger)", "bi-messenger text-primary",
            "In Meta's app dashboard (Messenger → Settings) paste the webhook URL and verify token shown here and subscribe the Page to messages, messaging_postbacks and message_reads.",
            [new("pageId", "Page ID", Required: true), AccessToken, AppSecret, VerifyToken]),
        new(ChannelKind.Instagram, "Instagram account", "bi-instagram text-danger",
            "In Meta's app dashboard (Instagram → Webhooks) paste the webhook URL and verify token shown here and subscribe to messages.",
            [new("accountId", "Instagram account ID", Required: true), AccessToken, AppSecret, VerifyToken]),
        new(ChannelKind.Sms, "SMS number (Twilio)", "bi-chat-dots text-info",
            "In Twilio's console (Phone Numbers → the number → Messaging) set “A message comes in” to the webhook URL shown here, HTTP POST.",
            [
                new("accountSid", "Account SID", Required: true, Placeholder: "AC…"),
                new("fromNumber", "Twilio number", Required: true, Placeholder: "+15005550006"),
                new("authToken", "Auth token", ChannelFieldType.Secret, Required: true, Hint: "signs Twilio's webhooks and authorises sends"),
            ]),
        new(ChannelKind.Email, "E-mail mailbox", "bi-envelope text-secondary",
            "Replies go out through SMTP; with an IMAP server the inbox is read every minute and new mail lands on the lead it answers or its sender's.",
            [
                new("fromAddress", "From address", Required: true, Placeholder: "office@example.com"),
                new("fromName", "From name", Hint: "blank: the channel's name"),
                new("smtpHost", "SMTP server", Required: true, Placeholder: "smtp.example.com"),
                new("smtpPort", "SMTP port", ChannelFieldType.Number, Required: true, Placeholder: "587"),
                new("useTls", "Use TLS (465/993: from the start; other ports: STARTTLS)", ChannelFieldType.Flag),
                new("imapHost", "IMAP server", Placeholder: "imap.example.com", Hint: "blank: the inbox is not read"),
                new("imapPort", "IMAP port", ChannelFieldType.Number, Placeholder: "993"),
                new("username", "User name", ChannelFieldType.Secret, Required: true, Masked: false),
                new("password", "Password", ChannelFieldType.Secret, Required: true),
            ]),
    ];

    public static ChannelForm? For(ChannelKind kind) => All.FirstOrDefault(f => f.Kind == kind);

    public static ChannelForm? For(string? kind) =>
        Enum.TryParse<ChannelKind>(kind, ignoreCase: true, out var k) && kind is not null && !kind.All(char.IsAsciiDigit) ? For(k) : null;
}
