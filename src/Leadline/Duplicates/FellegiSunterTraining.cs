namespace Leadline.Duplicates;

/// <summary>
/// Learns the m-probabilities (how true duplicates agree) of a population by expectation-maximisation over
/// the blocking's candidate pairs, the standard unsupervised Fellegi-Sunter fit: each pair is a mixture of
/// "duplicate" (rates m) and "not" (rates u_c, the chance rates within candidates, a nuisance here: scoring
/// uses u measured on random pairs). Field levels are independent given the class; missing fields drop out.
/// Pairs are folded into distinct level patterns first, so an iteration costs the patterns, not the pairs.
/// The built-in rates act as a prior of <see cref="PriorPairs"/> pseudo-pairs, which keeps a field with
/// little evidence near them.
/// </summary>
internal static class FellegiSunterTraining
{
    private const int Iterations = 40;
    private const double PriorPairs = 20;
    private const int MaxPairs = 2_000_000;

    /// <returns>m per field and level, and the estimated number of duplicate pairs among the candidates.</returns>
    public static (double[][] M, double MatchingPairs) EstimateM(IReadOnlyList<NormalizedRecord> records, IEnumerable<(int A, int B)> candidatePairs,
        MatchStatistics statistics)
    {
        var fields = Enum.GetValues<MatchField>();
        var patterns = new Dictionary<long, int>();
        var total = 0;
        foreach (var (a, b) in candidatePairs)
        {
            if (++total > MaxPairs)
                continue;   // counted, not folded: enough pairs to fit the rates
            long code = 0;
            foreach (var f in fields)
                code = code * 8 + FieldComparison.Compare(f, records[a], records[b], statistics.TokenWeight, out _) + 1;
            patterns[code] = patterns.GetValueOrDefault(code) + 1;
        }
        var priorM = DefaultRates.M();
        if (patterns.Count == 0)
            return (priorM, 0);

        var decoded = patterns.Select(p => (Levels: Decode(p.Key, fields.Length), Count: (double)p.Value)).ToList();
        var m = priorM.Select(r => r.ToArray()).ToArray();
        var uc = fields.Select(f => Enumerable.Range(0, FieldComparison.Levels(f)).Select(l => statistics.U(f, l)).ToArray()).ToArray();
        var lambda = 0.3;
        double matching = 0;
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var mCounts = fields.Select(f => new double[FieldComparison.Levels(f)]).ToArray();
            var uCounts = fields.Select(f => new double[FieldComparison.Levels(f)]).ToArray();
            matching = 0;
            double all = 0;
            foreach (var (levels, count) in decoded)
            {
                double pm = lambda, pu = 1 - lambda;
                for (var f = 0; f < levels.Length; f++)
                {
                    if (levels[f] < 0)
                        continue;
                    pm *= m[f][levels[f]];
                    pu *= uc[f][levels[f]];
                }
                var posterior = pm / (pm + pu);
                matching += posterior * count;
                all += count;
                for (var f = 0; f < levels.Length; f++)
                {
                    if (levels[f] < 0)
                        continue;
                    mCounts[f][levels[f]] += posterior * count;
                    uCounts[f][levels[f]] += (1 - posterior) * count;
                }
            }
            lambda = Math.Clamp(matching / all, 1e-6, 1 - 1e-6);
            matching = lambda * total;
            for (var f = 0; f < fields.Length; f++)
            {
                var mSum = mCounts[f].Sum();
                var uSum = uCounts[f].Sum();
                for (var l = 0; l < m[f].Length; l++)
                {
                    m[f][l] = (mCounts[f][l] + PriorPairs * priorM[f][l]) / (mSum + PriorPairs);
                    uc[f][l] = (uCounts[f][l] + 1.0 / uc[f].Length) / (uSum + 1);
                }
                KeepDisagreementNegative(m[f], statistics.U(fields[f], 0));
            }
        }
        return (m, matching);
    }

    /// <summary>
    /// A field's disagreement must stay evidence against a duplicate (at least 1 bit): the mixture can otherwise
    /// settle on a class of look-alikes (records sharing a first name and a mailbox number) that disagree on
    /// everything else, which would make disagreeing phones and addresses count for nothing.
    /// </summary>
    private static void KeepDisagreementNegative(double[] m, double chanceDisagreement)
    {
        var limit = chanceDisagreement / 2;
        if (m[0] <= limit)
            return;
        var rest = 1 - m[0];
        m[0] = limit;
        for (var l = 1; l < m.Length; l++)
            m[l] = rest > 0 ? m[l] * (1 - limit) / rest : (1 - limit) / (m.Length - 1);
    }

    private static int[] Decode(long code, int count)
    {
        var levels = new int[count];
        for (var f = count - 1; f >= 0; f--)
        {
            levels[f] = (int)(code % 8) - 1;
            code /= 8;
        }
        return levels;
    }
}
