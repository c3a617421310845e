namespace Leadline.Duplicates;

/// <summary>
/// A match's evidence in words a person can check against the two leads: "same" only for the very same value
/// (the same name key, the same normalised e-mail or number), "similar" for a near one, strongest evidence first,
/// and the plain contradictions after it ("different name"), so an exact match by e-mail alone says so.
/// </summary>
public static class MatchLabels
{
    public static IReadOnlyList<string> For(MatchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var agreeing = result.Evidence.Where(e => e.Weight > 0)
            .OrderByDescending(e => IsIdentifier(e)).ThenByDescending(e => e.Weight)
            .Select(Agreement).OfType<string>();
        var contradicting = result.Evidence.Where(e => e.Level == 0).Select(Contradiction).OfType<string>();
        return agreeing.Concat(contradicting).Distinct().ToList();
    }

    /// <summary>"same e-mail as Grace Hopper, also similar company; different name".</summary>
    public static string Reason(IReadOnlyList<string> labels, string otherName)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var agreeing = labels.Where(l => !l.StartsWith("different ", StringComparison.Ordinal)).ToList();
        var contradicting = labels.Except(agreeing).ToList();
        if (agreeing.Count == 0)
            return otherName;
        var text = $"{agreeing[0]} {(agreeing[0].StartsWith("same ", StringComparison.Ordinal) ? "as" : "to")} {otherName}";
        if (agreeing.Count > 1)
            text += ", also " + string.Join(", ", agreeing.Skip(1));
        return contradicting.Count == 0 ? text : text + "; " + string.Join(", ", contradicting);
    }

    private static bool IsIdentifier(FieldEvidence e) =>
        (e.Field == MatchField.Email && e.Level == 2) || (e.Field == MatchField.Phone && e.Level == 3);

    private static string? Agreement(FieldEvidence e) => (e.Field, e.Level) switch
    {
        (MatchField.Name, 4) => "same name",
        (MatchField.Name, 3) => "nearly the same name",
        (MatchField.Name, 2) => "similar name",
        (MatchField.Name, _) => "partly similar name",
        (MatchField.Company, 4) => "same company",
        (MatchField.Company, 3) => "nearly the same company",
        (MatchField.Company, _) => "similar company",
        (MatchField.Email, 2) => "same e-mail",
        (MatchField.Email, _) => "same e-mail name at another domain",
        (MatchField.Phone, 3) => "same phone",
        (MatchField.Phone, 2) => "same phone digits (a code missing)",
        (MatchField.Phone, _) => "same phone digits under another code",
        (MatchField.Website, _) => "same website",
        (MatchField.Street, 4) => "same address",
        (MatchField.Street, 3) => "same street",
        (MatchField.Street, 2) => "similar address",
        (MatchField.Street, _) => "same street, another number",
        (MatchField.Locality, 3) => "same post code and city",
        (MatchField.Locality, 2) => "same post code",
        (MatchField.Locality, _) => "same city",
        (MatchField.DateOfBirth, 3) => "same birthday",
        (MatchField.DateOfBirth, _) => "similar birthday",
        _ => null,
    };

    private static string? Contradiction(FieldEvidence e) => e.Field switch
    {
        MatchField.Name => "different name",
        MatchField.Street => "different address",
        MatchField.DateOfBirth => "different birthday",
        _ => null,
    };
}
