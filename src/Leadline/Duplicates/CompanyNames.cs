using System.Collections.Frozen;

namespace Leadline.Duplicates;

/// <summary>
/// Company names as tokens without the parts that vary between writings of one firm:
/// "The Acme Widget Co., Ltd." → [acme, widget]. Accents, case and punctuation go, "&amp;" reads "and",
/// dotted abbreviations join ("S.A." → "sa", "N.T.A." → "nta"), a leading "The" and trailing legal forms
/// (Ltd, Inc, LLC, GmbH, S.A., Pty, Co, Corp …) are dropped.
/// </summary>
public static class CompanyNames
{
    private static readonly FrozenSet<string> LegalForms = FrozenSet.ToFrozenSet(
        ["ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "gmbh", "mbh", "ag", "kg", "ohg", "ug", "ev", "sa", "sas", "sarl",
         "sl", "srl", "spa", "sro", "bv", "nv", "pty", "pte", "co", "corp", "corporation", "company", "oy", "oyj", "ab", "as", "asa", "aps",
         "kk", "kft", "zrt", "doo", "ltda", "cia", "sp", "zoo", "pvt", "bhd", "sdn", "tbk", "pc", "pllc", "and"],
        StringComparer.Ordinal);

    public static IReadOnlyList<string> Tokens(string? name)
    {
        var tokens = TextFolding.JoinInitials(TextFolding.Tokens(name, ampersandAsAnd: true));
        var end = tokens.Count;
        while (end > 1 && LegalForms.Contains(tokens[end - 1]))
            end--;
        var start = tokens.Count > 1 && tokens[0] == "the" ? 1 : 0;
        return start >= end ? tokens : tokens.GetRange(start, end - start);
    }

    /// <summary>The tokens joined in their order ("acme widget"): equal for the same firm written differently.</summary>
    public static string? Key(string? name)
    {
        var tokens = Tokens(name);
        return tokens.Count == 0 ? null : string.Join(' ', tokens);
    }
}
