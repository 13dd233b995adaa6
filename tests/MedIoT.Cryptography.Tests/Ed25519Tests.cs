namespace MedIoT.Cryptography.Tests;

public sealed class Ed25519Tests
{
    // RFC 8032 §7.1, TEST 1 to TEST 3: secret key (seed), public key, message, signature.
    public static TheoryData<string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
    };

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_vector_derives_the_public_key_and_signs_byte_for_byte(string seed, string publicKey, string message, string signature)
    {
        using var key = Ed25519PrivateKey.FromSeed(Convert.FromHexString(seed));

        Assert.Equal(Convert.FromHexString(publicKey), key.PublicKey.Bytes.ToArray());
        Assert.Equal(Convert.FromHexString(signature), key.Sign(Convert.FromHexString(message)));
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_vector_verifies_and_any_changed_bit_does_not(string seed, string publicKey, string message, string signature)
    {
        _ = seed;
        Assert.True(Ed25519PublicKey.TryCreate(Convert.FromHexString(publicKey), out var key));
        var messageBytes = Convert.FromHexString(message);
        var signatureBytes = Convert.FromHexString(signature);

        Assert.True(key.Verify(messageBytes, signatureBytes));

        var changedMessage = messageBytes.Append((byte)0).ToArray();
        Assert.False(key.Verify(changedMessage, signatureBytes));
        for (var bit = 0; bit < 512; bit += 7)
        {
            var changedSignature = (byte[])signatureBytes.Clone();
            changedSignature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(key.Verify(messageBytes, changedSignature));
        }
    }

    [Fact]
    public void Verify_is_false_for_a_signature_that_is_not_64_bytes()
    {
        using var key = Ed25519PrivateKey.Generate();
        var signature = key.Sign("x"u8);

        Assert.False(key.PublicKey.Verify("x"u8, signature.AsSpan(0, 63)));
        Assert.False(key.PublicKey.Verify("x"u8, signature.Append((byte)0).ToArray()));
        Assert.False(key.PublicKey.Verify("x"u8, []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void FromSeed_refuses_a_seed_that_is_not_32_bytes(int length)
    {
        Assert.Throws<ArgumentException>(() => Ed25519PrivateKey.FromSeed(new byte[length]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void TryCreate_refuses_a_public_key_that_is_not_32_bytes(int length)
    {
        Assert.False(Ed25519PublicKey.TryCreate(new byte[length], out var key));
        Assert.Null(key);
    }

    [Fact]
    public void Generate_gives_distinct_keys_whose_seed_exports_back_to_the_same_key()
    {
        using var first = Ed25519PrivateKey.Generate();
        using var second = Ed25519PrivateKey.Generate();
        Assert.NotEqual(first.PublicKey, second.PublicKey);

        var seed = new byte[32];
        first.ExportSeed(seed);
        using var again = Ed25519PrivateKey.FromSeed(seed);
        Assert.Equal(first.PublicKey, again.PublicKey);
        Assert.True(first.PublicKey == again.PublicKey);
        Assert.Equal(first.PublicKey.GetHashCode(), again.PublicKey.GetHashCode());
        Assert.Equal(first.Sign("frame"u8), again.Sign("frame"u8));
    }

    [Fact]
    public void A_disposed_key_refuses_every_use()
    {
        var key = Ed25519PrivateKey.Generate();
        key.Dispose();
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.Sign("x"u8));
        Assert.Throws<ObjectDisposedException>(() => key.Sign("x"u8, new byte[64]));
        Assert.Throws<ObjectDisposedException>(() => key.ExportSeed(new byte[32]));
    }

    [Fact]
    public void Sign_and_ExportSeed_refuse_destinations_of_the_wrong_length()
    {
        using var key = Ed25519PrivateKey.Generate();

        Assert.Throws<ArgumentException>(() => key.Sign("x"u8, new byte[63]));
        Assert.Throws<ArgumentException>(() => key.ExportSeed(new byte[31]));
    }

    [Fact]
    public void A_signature_whose_S_is_not_below_the_group_order_is_refused()
    {
        // RFC 8032 §5.1.7: S must be in [0, L). S + L verifies the same equation, so a verifier without the check
        // accepts a second spelling of every signature (malleability).
        using var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var signature = key.Sign("frame"u8);
        Assert.True(key.PublicKey.Verify("frame"u8, signature));

        var order = Convert.FromHexString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        var carry = 0;
        for (var i = 0; i < 32; i++)
        {
            var sum = signature[32 + i] + order[i] + carry;
            signature[32 + i] = (byte)sum;
            carry = sum >> 8;
        }

        Assert.False(key.PublicKey.Verify("frame"u8, signature));
    }

    [Fact]
    public void A_small_order_public_key_verifies_nothing_even_the_signature_every_message_would_satisfy()
    {
        // The identity point (y = 1) as public key with R = identity and S = 0 satisfies [S]B = R + [k]A for every
        // message; libsodium refuses small-order keys and R values, as RFC 8032 verifiers should.
        var identity = new byte[32];
        identity[0] = 1;
        Assert.True(Ed25519PublicKey.TryCreate(identity, out var key));
        var signature = new byte[64];
        signature[0] = 1;

        Assert.False(key.Verify("any message"u8, signature));
        Assert.False(key.Verify(""u8, signature));
    }

    [Fact]
    public void Bytes_that_are_no_curve_point_wrap_as_a_key_that_verifies_nothing()
    {
        var notAPoint = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        using var signer = Ed25519PrivateKey.FromSeed(new byte[32]);
        var signature = signer.Sign("frame"u8);

        Assert.True(Ed25519PublicKey.TryCreate(notAPoint, out var key));
        Assert.False(key.Verify("frame"u8, signature));
    }

    [Fact]
    public void Signing_maps_the_libsodium_NSec_brings_and_no_system_copy()
    {
        // NSec loads its own libsodium (runtimes/<rid>/native next to the application); Debian's libsodium23 is no
        // longer needed, so nothing may map /usr/lib/.../libsodium.so.23 behind NSec's back.
        using var key = Ed25519PrivateKey.Generate();
        Assert.True(key.PublicKey.Verify("x"u8, key.Sign("x"u8)));

        var mapped = File.ReadAllLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].Contains("libsodium", StringComparison.Ordinal))
            .Select(fields => fields[5])
            .Distinct()
            .ToList();
        var only = Assert.Single(mapped);
        Assert.StartsWith(AppContext.BaseDirectory, only, StringComparison.Ordinal);
    }
}
