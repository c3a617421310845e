namespace Leadline.Duplicates;

public enum MatchLevel
{
    None,
    Similar,
    Exact,
}

/// <summary>One field's part of a score: its agreement level and the evidence in bits (log2 of m/u; negative for disagreement).</summary>
public readonly record struct FieldEvidence(MatchField Field, int Level, double Weight);

/// <summary>
/// The verdict on a pair: <see cref="Level"/>, <see cref="Score"/> (0..1, the estimated probability that the
/// two are one person or organisation; Similar from 0.5), and the fields that agreed.
/// </summary>
public sealed record MatchResult(MatchLevel Level, double Score, double Weight, IReadOnlyList<FieldEvidence> Evidence)
{
    public IEnumerable<MatchField> MatchedFields => Evidence.Where(e => e.Weight > 0).Select(e => e.Field);

    /// <summary>
    /// Safe to act on without a person (an import's skip or update): exact by a value no other lead holds (a shared
    /// switchboard number or family mailbox is shown, never acted on alone) and no field contradicting it. Meant for a
    /// check of a new record, where the key counts are those of the existing leads; in a sweep both of the pair count.
    /// </summary>
    public bool Automatic { get; init; }

    /// <summary>What agreed, in words, strongest first ("same e-mail", "similar name"; see <see cref="MatchLabels"/>).</summary>
    public IReadOnlyList<string> Labels => MatchLabels.For(this);
}

/// <summary>
/// Scores a pair of records Fellegi-Sunter style: every field compared on both sides adds log2(m/u) bits,
/// where m is how often true duplicates agree at that level (fixed below, from how people retype records)
/// and u how often unrelated records do by chance (<see cref="MatchStatistics"/>: measured on the population,
/// and for agreement on one value its frequency, so a shared switchboard number or a common name counts
/// less). The total against the prior odds of a duplicate (about one per record among all records) gives
/// the probability; Similar when it is at least 0.5. Exact is a condition a person can check at a glance: the same
/// normalised e-mail or E.164 phone, whatever else differs (the population only ranks such matches); or the same
/// website with the name, or the same name with the same birthday or address, with no field that plainly contradicts it
/// (a different name, street address or date of birth). <see cref="MatchResult.Automatic"/> asks more (see there).
/// </summary>
public sealed class DuplicateScorer
{
    private static readonly MatchField[] Fields = Enum.GetValues<MatchField>();

    private readonly MatchStatistics _statistics;
    private readonly double _threshold;

    /// <param name="statistics">The population the pair comes from.</param>
    public DuplicateScorer(MatchStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        _statistics = statistics;
        // log2 of the prior odds against a pair: a record has DuplicatesPerRecord duplicates among TotalRecords others
        _threshold = Math.Log2(statistics.TotalRecords / statistics.DuplicatesPerRecord);
    }

    public MatchStatistics Statistics => _statistics;

    public MatchResult Score(NormalizedRecord a, NormalizedRecord b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var evidence = new List<FieldEvidence>(Fields.Length);
        var total = 0.0;
        Span<int> levels = stackalloc int[Fields.Length];
        bool sameEmail = false, samePhone = false, emailShared = false, phoneShared = false;
        foreach (var field in Fields)
        {
            var level = FieldComparison.Compare(field, a, b, _statistics.TokenWeight, out var valueKey);
            levels[(int)field] = level;
            if (level == FieldComparison.Missing)
                continue;
            // the very same mailbox or E.164 number: an identifier, exact on its own; shared when another lead holds it too
            if (field == MatchField.Email && level == 2)
                (sameEmail, emailShared) = (true, _statistics.KeyCount(valueKey!) > 1);
            else if (field == MatchField.Phone && level == 3)   // "pt:": both typed without codes, all their digits agree
                (samePhone, phoneShared) = (valueKey!.StartsWith("p:", StringComparison.Ordinal), _statistics.KeyCount(valueKey) > 1);
            var u = _statistics.U(field, level);
            if (valueKey is not null)
                u = Math.Max((double)_statistics.KeyCount(valueKey) / _statistics.TotalRecords, 1.0 / _statistics.TotalRecords);
            var weight = Math.Log2(_statistics.M(field, level) / u);
            evidence.Add(new FieldEvidence(field, level, weight));
            total += weight;
        }
        total -= OrganisationOverlap(evidence);
        var score = 1 / (1 + Math.Pow(2, _threshold - total));
        var exact = sameEmail || samePhone || IsExact(levels, emailUsable: true, phoneUsable: true);
        var level2 = exact ? MatchLevel.Exact : score >= 0.5 ? MatchLevel.Similar : MatchLevel.None;
        return new MatchResult(level2, score, total, evidence) { Automatic = IsExact(levels, !emailShared, !phoneShared) };
    }

    // Company and website both say "the same organisation": counted as independent they would add up to
    // more than either, and colleagues at one firm would look like one person. Only the stronger counts.
    private static double OrganisationOverlap(List<FieldEvidence> evidence)
    {
        double company = 0, website = 0;
        foreach (var e in evidence)
        {
            if (e.Field == MatchField.Company)
                company = e.Weight;
            else if (e.Field == MatchField.Website)
                website = e.Weight;
        }
        return company > 0 && website > 0 ? Math.Min(company, website) : 0;
    }

    // an identifier (e-mail, phone) not usable is one shared with other leads: it cannot tell which of them is meant
    private static bool IsExact(ReadOnlySpan<int> level, bool emailUsable, bool phoneUsable)
    {
        int name = level[(int)MatchField.Name], street = level[(int)MatchField.Street], dob = level[(int)MatchField.DateOfBirth];
        var identifier = (emailUsable && level[(int)MatchField.Email] == 2) || (phoneUsable && level[(int)MatchField.Phone] == 3)
            || (level[(int)MatchField.Website] == 1 && name >= 3)
            || (name == 4 && (dob == 3 || street == 3));
        var contradiction = name == 0 || street is 0 or 1 || dob == 0;   // street 1: the same street at another number
        return identifier && !contradiction;
    }
}
