namespace Leadline.Duplicates;

/// <summary>
/// Built-in Fellegi-Sunter rates per field and level (index order as in <see cref="FieldComparison.Levels"/>),
/// used before anything is measured and as the prior the measured rates are pulled towards.
/// </summary>
internal static class DefaultRates
{
    /// <summary>m: how true duplicates spread over the levels (from how people retype records).</summary>
    public static double[][] M()
    {
        var m = new double[Enum.GetValues<MatchField>().Length][];
        m[(int)MatchField.Name] = [0.04, 0.06, 0.10, 0.20, 0.60];
        m[(int)MatchField.Company] = [0.04, 0.06, 0.10, 0.20, 0.60];
        m[(int)MatchField.Email] = [0.15, 0.05, 0.80];          // people have more than one address
        m[(int)MatchField.Phone] = [0.20, 0.03, 0.05, 0.72];          // and more than one number
        m[(int)MatchField.Website] = [0.10, 0.90];
        m[(int)MatchField.Street] = [0.07, 0.05, 0.05, 0.08, 0.75];
        m[(int)MatchField.Locality] = [0.05, 0.10, 0.10, 0.75];
        m[(int)MatchField.DateOfBirth] = [0.05, 0.10, 0.03, 0.82];
        return m;
    }

    /// <summary>u: how often unrelated records agree by chance, for an average CRM population.</summary>
    public static double[][] U()
    {
        var u = new double[Enum.GetValues<MatchField>().Length][];
        u[(int)MatchField.Name] = [0.97, 0.025, 0.004, 0.0008, 0.0002];
        u[(int)MatchField.Company] = [0.95, 0.04, 0.008, 0.001, 0.001];
        u[(int)MatchField.Email] = [0.9999, 0.00009, 0.00001];
        u[(int)MatchField.Phone] = [0.9999, 0.00005, 0.00004, 0.00001];
        u[(int)MatchField.Website] = [0.999, 0.001];
        u[(int)MatchField.Street] = [0.97, 0.02, 0.005, 0.004, 0.001];
        u[(int)MatchField.Locality] = [0.9, 0.08, 0.01, 0.01];
        u[(int)MatchField.DateOfBirth] = [0.99, 0.009, 0.0001, 0.00005];
        return u;
    }
}
