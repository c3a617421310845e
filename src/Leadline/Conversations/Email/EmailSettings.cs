using System.Globalization;
using System.Text.Json.Nodes;

namespace Leadline.Conversations.Email;

/// <summary>
/// An e-mail channel's plain settings (API.md): <c>smtpHost, smtpPort, useTls, fromAddress, imapHost?, imapPort?</c>, and
/// optionally <c>fromName</c> (the From display name; the channel's name otherwise) and <c>pollSeconds</c> (how often the
/// mailbox is read). Read leniently: a port or flag given as a string counts.
/// </summary>
public sealed record EmailSettings(string? SmtpHost, int SmtpPort, bool UseTls, string? FromAddress, string? FromName, string? ImapHost, int? ImapPort, int? PollSeconds)
{
    public static EmailSettings Read(string json)
    {
        JsonObject? o;
        try
        {
            o = JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            o = null;
        }
        o ??= [];
        return new EmailSettings(
            Text(o["smtpHost"]), Number(o["smtpPort"]) ?? 587, Flag(o["useTls"]) ?? true, Text(o["fromAddress"]), Text(o["fromName"]),
            Text(o["imapHost"]), Number(o["imapPort"]), Number(o["pollSeconds"]));
    }

    /// <summary>The part after the @ of the From address (our Message-IDs end with it).</summary>
    public string FromDomain => FromAddress is { } a && a.LastIndexOf('@') is var at and >= 0 && at < a.Length - 1 ? a[(at + 1)..].Trim() : "leadline.local";

    private static string? Text(JsonNode? node) => node is null ? null : node.ToString().Trim() is { Length: > 0 } s ? s : null;

    private static int? Number(JsonNode? node) =>
        Text(node) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= 65535 ? n : null;

    private static bool? Flag(JsonNode? node) => Text(node)?.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => null,
    };
}
