using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Leadline.MarketingLists;

internal sealed class MarketingListConfiguration : IEntityTypeConfiguration<MarketingList>
{
    public void Configure(EntityTypeBuilder<MarketingList> b)
    {
        b.ToTable("marketing_lists");
        b.Property(l => l.Name).HasMaxLength(200).IsRequired();
        b.HasIndex(l => new { l.WorkspaceId, l.Name }).IsUnique();
    }
}

internal sealed class MarketingListMemberConfiguration : IEntityTypeConfiguration<MarketingListMember>
{
    public void Configure(EntityTypeBuilder<MarketingListMember> b)
    {
        b.ToTable("marketing_list_members");
        b.HasKey(m => new { m.ListId, m.LeadId });
        b.HasOne<MarketingList>().WithMany().HasForeignKey(m => m.ListId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Leads.Lead>().WithMany().HasForeignKey(m => m.LeadId).OnDelete(DeleteBehavior.Cascade);
        // "lists of this lead" and the listId filter's semi-join from leads
        b.HasIndex(m => m.LeadId);
    }
}
