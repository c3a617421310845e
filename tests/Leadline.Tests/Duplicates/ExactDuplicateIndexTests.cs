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

    [Fact]
    public void A_key_shared_by_very_many_rows_adds_no_candidates()
    {
        var index = new ExactDuplicateIndex();
        for (var i = 1; i <= DuplicateFinder.MaxPerKey + 1; i++)
            index.Add(NormalizedRecord.From(new MatchRecord { Id = i, Name = "Anna " + Surname(i), Email = $"anna{i}@bigcorp.example", Website = "www.bigcorp.example" }, "US"));

        // "w:bigcorp.example" is over the cap and adds no candidates; the e-mail key still finds the row
        Assert.Equal(7, index.Find(NormalizedRecord.From(new MatchRecord { Id = -1, Name = "Anna " + Surname(7), Email = "Anna7@bigcorp.example", Website = "bigcorp.example" }, "US"))?.Id);
        Assert.Null(index.Find(NormalizedRecord.From(new MatchRecord { Id = -2, Name = "Bert Other", Website = "bigcorp.example" }, "US")));
    }

    // a made-up surname per number ("Xbh" for 17): the rows differ in their names, not only in a digit
    private static string Surname(int i) => "X" + new string(i.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => (char)('a' + (c - '0'))).ToArray());
}
