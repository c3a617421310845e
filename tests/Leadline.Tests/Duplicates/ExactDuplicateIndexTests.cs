using Leadline.Duplicates;

namespace Leadline.Tests.Duplicates;

/// <summary>The import's memory of the rows taken so far: a later row that exactly duplicates one is found, a near miss is not.</summary>
public sealed class ExactDuplicateIndexTests
{
    private static NormalizedRecord Row(long id, string name, string? email = null, string? phone = null, string? company = null) =>
        NormalizedRecord.From(new MatchRecord { Id = id, Name = name, Email = email, Phone = phone, Company = company }, "US");

    [Fact]
    public void A_later_row_with_the_same_mailbox_or_number_is_found()
    {
        var index = new ExactDuplicateIndex();
        index.Add(Row(2, "Carol Import", "carol@example.com", company: "Imports Co"));
        index.Add(Row(3, "Anna Berg", phone: "(312) 534-2680"));

        Assert.Equal(2, index.Find(Row(6, "carol import", "CAROL@example.com", company: "Dup"))?.Id);
        Assert.Equal(3, index.Find(Row(8, "Anna Berg", phone: "+1 312 534 2680"))?.Id);
    }

    [Fact]
    public void A_shared_mailbox_under_another_name_or_a_namesake_is_not_a_duplicate()
    {
        var index = new ExactDuplicateIndex();
        index.Add(Row(2, "John Smith", "info@acme.example", "(312) 534-2680", "Acme"));

        Assert.Null(index.Find(Row(3, "Maria Gonzalez", "info@acme.example")));   // the same mailbox, plainly another person
        Assert.Null(index.Find(Row(4, "John Smith", "jsmith@other.example", "(415) 555-0199", "Other Inc")));   // a namesake
    }
}
