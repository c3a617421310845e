using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Leadline.Conversations.Email;

/// <summary>
/// What of a customer's e-mail the timeline shows: their own words, without the history their mail program quoted
/// (<c>On … wrote:</c>, <c>&gt;</c> lines, Outlook's <c>-----Original Message-----</c> and <c>From: … Sent:</c> blocks)
/// and without their signature (<c>-- </c>, "Sent from my iPhone" and the like). The full text stays in the payload.
/// </summary>
public static partial class EmailText
{
    /// <summary>The shown part of <paramref name="text"/>; the whole text when trimming would leave nothing.</summary>
    public static string Shown(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        var kept = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimEnd();
            if (QuoteHeader(lines, i) || OriginalMessage().IsMatch(trimmed) || OutlookHeader(lines, i) || trimmed is "--" || line == "-- " || MobileSignature().IsMatch(trimmed))
                break;
            if (line.TrimStart().StartsWith('>'))
                continue;
            kept.Add(trimmed);
        }
        var shown = string.Join('\n', kept).Trim('\n', ' ', '\t');
        return shown.Length > 0 ? shown : text.Trim();
    }

    /// <summary>"On Mon, 1 Dec 2026 at 10:00, Sam &lt;sam@example.org&gt; wrote:" — on one line or wrapped onto the next (and a few other languages').</summary>
    private static bool QuoteHeader(string[] lines, int i)
    {
        var line = lines[i].Trim();
        if (!Attribution().IsMatch(line))
            return false;
        if (Wrote().IsMatch(line))
            return true;
        return i + 1 < lines.Length && Wrote().IsMatch(line + " " + lines[i + 1].Trim());
    }

    /// <summary>Outlook's reply header: "From: …" followed within a few lines by "Sent: …" or "Date: …".</summary>
    private static bool OutlookHeader(string[] lines, int i)
    {
        if (!OutlookFrom().IsMatch(lines[i].Trim()))
            return false;
        for (var j = i + 1; j < Math.Min(lines.Length, i + 5); j++)
        {
            if (OutlookSent().IsMatch(lines[j].Trim()))
                return true;
        }
        return false;
    }

    [GeneratedRegex(@"^(On|Am|Le|El|Il|Op|Em)\s.{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex Attribution();

    [GeneratedRegex(@"\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\b[^\n]{0,200}:\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Wrote();

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Forwarded message|Ursprüngliche Nachricht|Message d'origine)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessage();

    [GeneratedRegex(@"^\*?(From|Von|De)\s*:\*?\s+\S", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookFrom();

    [GeneratedRegex(@"^\*?(Sent|Date|Gesendet|Envoyé|Enviado)\s*:\*?\s", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookSent();

    [GeneratedRegex(@"^(Sent from my \w.*|Sent from (Outlook|Yahoo Mail|Mail for Windows|Samsung|my mobile)\b.*|Get Outlook for (iOS|Android).*|Sent via .{1,40}|Von meinem (iPhone|iPad|Smartphone).*gesendet|Envoyé de mon (iPhone|iPad).*)$", RegexOptions.IgnoreCase)]
    private static partial Regex MobileSignature();

    /// <summary>An HTML body as plain text: scripts and styles dropped, blocks and line breaks kept, entities decoded.</summary>
    public static string FromHtml(string html)
    {
        var s = ScriptOrStyle().Replace(html, "");
        s = Comment().Replace(s, "");
        s = LineBreak().Replace(s, "\n");
        s = BlockEnd().Replace(s, "\n");
        s = Tag().Replace(s, "");
        s = WebUtility.HtmlDecode(s).Replace('\u00a0', ' ');
        var text = new StringBuilder();
        foreach (var line in s.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            text.Append(Spaces().Replace(line, " ").Trim()).Append('\n');
        return BlankLines().Replace(text.ToString(), "\n\n").Trim();
    }

    [GeneratedRegex(@"<(script|style|head)\b[^>]*>[\s\S]*?</\1\s*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<!--[\s\S]*?-->")]
    private static partial Regex Comment();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"</(p|div|li|tr|h[1-6]|blockquote|table)\s*>|<(p|div|tr|li|blockquote)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
