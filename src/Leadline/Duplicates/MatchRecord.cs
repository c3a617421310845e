namespace Leadline.Duplicates;

/// <summary>
/// What duplicate matching reads of a lead (or of a form being typed, or an import row). Map a lead to it
/// field by field; <see cref="Id"/> is the caller's key and comes back in results.
/// </summary>
public sealed record MatchRecord
{
    public long Id { get; init; }

    /// <summary>A person's name; for an organisation lead without a contact, its name.</summary>
    public string? Name { get; init; }

    public string? Company { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Mobile { get; init; }

    public string? Website { get; init; }

    /// <summary>Street and house number (one line; extra address lines may follow after a comma).</summary>
    public string? Street { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public DateOnly? DateOfBirth { get; init; }

    /// <summary>ISO 3166-1 alpha-2 of the lead; phone numbers without a country code are read in it (else the workspace's default).</summary>
    public string? Country { get; init; }
}
