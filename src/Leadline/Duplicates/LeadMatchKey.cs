using Leadline.Data;
using Leadline.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.Duplicates;

/// <summary>
/// One blocking key of a lead (<see cref="BlockingKeys"/>): the duplicate check looks leads up by key through an index
/// instead of scanning, and the number of leads under a key is how common that value is. Kept by
/// <see cref="MatchKeyReaction"/> on every EF save and by <see cref="LeadBulkWriter"/>; archived leads have none.
/// </summary>
public sealed class LeadMatchKey : IWorkspaceOwned
{
    public const int MaxKeyLength = 200;

    public int WorkspaceId { get; set; }

    public int LeadId { get; set; }

    public Lead? Lead { get; set; }

    public string Key { get; set; } = "";

    /// <summary>The keys of a lead as stored (phones from their E.164 form; over-long keys cut to the column).</summary>
    public static IReadOnlyList<string> For(Lead lead) =>
        lead.ArchivedAt is not null
            ? []
            : NormalizedRecord.From(ToRecord(lead), lead.Country).BlockingKeys.Select(Stored).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>A key as the column holds it: over-long keys cut to <see cref="MaxKeyLength"/>.</summary>
    public static string Stored(string key) => key.Length > MaxKeyLength ? key[..MaxKeyLength] : key;

    public static MatchRecord ToRecord(Lead lead) => new()
    {
        Id = lead.Id, Name = lead.Name, Company = lead.Company, Email = lead.Email, Phone = lead.PhoneE164 ?? lead.Phone,
        Mobile = lead.MobileE164 ?? lead.Mobile, Website = lead.Website, Street = lead.Street, City = lead.City, State = lead.State,
        PostalCode = lead.PostalCode, DateOfBirth = lead.DateOfBirth, Country = lead.Country,
    };
}

internal sealed class LeadMatchKeyConfiguration : IEntityTypeConfiguration<LeadMatchKey>
{
    public void Configure(EntityTypeBuilder<LeadMatchKey> b)
    {
        b.ToTable("lead_match_keys");
        b.HasKey(k => new { k.LeadId, k.Key });
        b.Property(k => k.Key).HasMaxLength(LeadMatchKey.MaxKeyLength);
        b.HasOne(k => k.Lead).WithMany().HasForeignKey(k => k.LeadId).OnDelete(DeleteBehavior.Cascade);
        // the check's lookup: leads of this workspace under a key
        b.HasIndex(k => new { k.WorkspaceId, k.Key, k.LeadId });   // covering: counts and candidate ids come from the index alone
    }
}
