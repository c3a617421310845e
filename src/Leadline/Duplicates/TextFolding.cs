using System.Globalization;
using System.Text;

namespace Leadline.Duplicates;

/// <summary>Lower-case, accent-free, punctuation-free tokens: the common first step of every field normaliser.</summary>
internal static class TextFolding
{
    /// <summary>"Zoë  O'Brien-Smith" → "zoe obrien smith": accents dropped, apostrophes joined, other punctuation a space.</summary>
    public static string Fold(string? text, bool ampersandAsAnd = false)
    {
        if (string.IsNullOrWhiteSpace(text))
            return "";
        var trimmed = text.Trim();
        // accents come apart under FormD so their marks can be dropped; plain ASCII has none (the common case, and far cheaper)
        var decomposed = Ascii.IsValid(trimmed) ? trimmed : trimmed.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
                continue;
            var c = char.ToLowerInvariant(ch);
            switch (c)
            {
                case 'ß': sb.Append("ss"); break;
                case 'æ': sb.Append("ae"); break;
                case 'œ': sb.Append("oe"); break;
                case 'ø': sb.Append('o'); break;
                case 'ł': sb.Append('l'); break;
                case 'đ': sb.Append('d'); break;
                case 'ı': sb.Append('i'); break;
                case '\'' or '’' or '`' or '´': break;   // O'Brien = OBrien, Allison's = Allisons
                case '&': sb.Append(ampersandAsAnd ? " and " : " "); break;
                default: sb.Append(char.IsLetterOrDigit(c) ? c : ' '); break;
            }
        }
        return sb.ToString();
    }

    public static string[] Tokens(string? text, bool ampersandAsAnd = false) =>
        Fold(text, ampersandAsAnd).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Joins runs of single letters ("n t a", from "N.T.A.") into one token ("nta").</summary>
    public static List<string> JoinInitials(IEnumerable<string> tokens)
    {
        var result = new List<string>();
        var run = new StringBuilder();
        foreach (var t in tokens)
        {
            if (t.Length == 1 && char.IsLetter(t[0]))
            {
                run.Append(t);
                continue;
            }
            if (run.Length > 0)
            {
                result.Add(run.ToString());
                run.Clear();
            }
            result.Add(t);
        }
        if (run.Length > 0)
            result.Add(run.ToString());
        return result;
    }
}
