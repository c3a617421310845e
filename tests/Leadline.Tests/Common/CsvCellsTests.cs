using System.Text;
using Leadline.Common;
using Leadline.Reports;

namespace Leadline.Tests.Common;

public sealed class CsvCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"click\")")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\t=1+1")]
    [InlineData("\r=1+1")]
    [InlineData("+cmd|' /C calc'!A0")]
    [InlineData("-2+3+cmd|' /C calc'!A0")]
    [InlineData("-foo")]
    [InlineData("+")]
    [InlineData("'=already quoted")]
    public void A_cell_a_spreadsheet_would_run_gets_an_apostrophe(string value) => Assert.Equal("'" + value, CsvCells.Neutralise(value));

    [Theory]
    [InlineData("+1 202 555 0143")]
    [InlineData("+44 (20) 7946-0958")]
    [InlineData("-12")]
    [InlineData("-3.5")]
    [InlineData("+7")]
    [InlineData("Ada Lovelace")]
    [InlineData("a=b")]
    [InlineData("'quoted")]
    [InlineData("")]
    public void Numbers_phones_and_plain_text_stay_as_they_are(string value) => Assert.Equal(value, CsvCells.Neutralise(value));

    [Theory]
    [InlineData("=1+1")]
    [InlineData("'=1+1")]
    [InlineData("''@x")]
    [InlineData("+cmd")]
    [InlineData("+1 202 555 0143")]
    [InlineData("'quoted")]
    [InlineData("'+1 202 555 0143")]
    [InlineData("plain")]
    public void Restore_takes_off_exactly_the_apostrophe_that_was_added(string value) =>
        Assert.Equal(value, CsvCells.Restore(CsvCells.Neutralise(value)!));

    [Fact]
    public async Task The_report_export_writes_its_cells_through_the_same_rule()
    {
        var figures = new LeadFlowFigures(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 7), 1, 1, 0,
            [new OperatorFigures(1, "=HYPERLINK(\"http://evil.example\")", 1, 1, 0)], new int[24], new Dictionary<Leadline.Notes.Outcome, int>());
        using var csv = new MemoryStream();

        await ReportPageEndpoints.WriteCsvAsync(csv, figures, CancellationToken.None);

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\",1,1,0", Encoding.UTF8.GetString(csv.ToArray()), StringComparison.Ordinal);
    }
}
