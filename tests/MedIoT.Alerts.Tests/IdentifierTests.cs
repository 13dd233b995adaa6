namespace MedIoT.Alerts.Tests;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("7A", true)]
    [InlineData("ward.7-A_east", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("7 A", false)]
    [InlineData("7A\n", false)]
    [InlineData("7A/01", false)]
    [InlineData("nurse@7A", false)]
    [InlineData("Ä", false)]
    public void A_ward_or_bed_name_is_1_to_32_of_the_place_alphabet(string? name, bool valid)
    {
        Assert.Equal(valid, WardId.TryCreate(name, out var ward));
        Assert.Equal(valid, BedId.TryCreate(name, out var bed));
        Assert.Equal(valid, ward.IsValid);
        Assert.Equal(valid ? name : string.Empty, ward.ToString());
        Assert.Equal(valid ? name : string.Empty, bed.ToString());
    }

    [Fact]
    public void Names_longer_than_their_limit_are_refused()
    {
        Assert.True(WardId.TryCreate(new string('w', WardId.MaxLength), out _));
        Assert.False(WardId.TryCreate(new string('w', WardId.MaxLength + 1), out _));
        Assert.True(BedId.TryCreate(new string('b', BedId.MaxLength), out _));
        Assert.False(BedId.TryCreate(new string('b', BedId.MaxLength + 1), out _));
        Assert.True(StaffId.TryCreate(new string('s', StaffId.MaxLength), out _));
        Assert.False(StaffId.TryCreate(new string('s', StaffId.MaxLength + 1), out _));
    }

    [Theory]
    [InlineData("nurse.jones", true)]
    [InlineData("j.okafor@hospital.example", true)]
    [InlineData("", false)]
    [InlineData("nurse jones", false)]
    [InlineData("<script>", false)]
    public void A_staff_identity_may_also_hold_an_at_sign(string name, bool valid)
    {
        Assert.Equal(valid, StaffId.TryCreate(name, out var staff));
        Assert.Equal(valid, staff.IsValid);
    }

    [Fact]
    public void The_default_of_each_identifier_is_the_one_invalid_value_and_Parse_refuses_bad_names()
    {
        Assert.False(default(WardId).IsValid);
        Assert.False(default(BedId).IsValid);
        Assert.False(default(StaffId).IsValid);
        Assert.False(default(BedLocation).IsValid);
        Assert.False(new BedLocation(WardId.Parse("7A"), default).IsValid);
        Assert.Throws<ArgumentException>(() => WardId.Parse("7 A"));
        Assert.Throws<ArgumentException>(() => StaffId.Parse(""));
    }

    [Fact]
    public void Places_are_equal_by_name_and_print_as_ward_slash_bed()
    {
        Assert.True(BedLocation.TryCreate("7A", "01", out var place));
        Assert.Equal(BedLocation.Parse("7A", "01"), place);
        Assert.NotEqual(BedLocation.Parse("7A", "02"), place);
        Assert.Equal("7A/01", place.ToString());
        Assert.False(BedLocation.TryCreate("7A", "bed 1", out _));
    }
}
