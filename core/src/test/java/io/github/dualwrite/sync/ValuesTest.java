package io.github.dualwrite.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void numbersOfDifferentDriverTypesAreTheSame() {
        assertTrue(Values.same(5, 5L));
        assertTrue(Values.same(new BigDecimal("5.00"), 5L));
        assertTrue(Values.same(new BigDecimal("5.00"), new BigDecimal("5")));
        assertTrue(Values.same(BigInteger.valueOf(7), 7));
        assertTrue(Values.same(true, 1));
        assertFalse(Values.same(new BigDecimal("5.01"), 5L));
        assertFalse(Values.same(null, 0));
        assertTrue(Values.same(null, null));
    }

    @Test
    void timesBytesAndTextCompareByValue() {
        LocalDateTime t = LocalDateTime.of(2026, 11, 21, 8, 0);
        assertTrue(Values.same(Timestamp.valueOf(t), t));
        assertTrue(Values.same(new byte[] {1, 2}, new byte[] {1, 2}));
        assertTrue(Values.same(ByteBuffer.wrap(new byte[] {1, 2}), new byte[] {1, 2}));
        assertFalse(Values.same(new byte[] {1, 2}, new byte[] {1, 3}));
        assertTrue(Values.same("a", "a"));
        assertFalse(Values.same("a", "A"));
    }

    @Test
    void keysOfEqualValueAreEqualAndHashAlike() {
        Set<TableAccess.Key> keys = new HashSet<>();
        keys.add(new TableAccess.Key(new Object[] {Values.key(5)}));
        keys.add(new TableAccess.Key(new Object[] {Values.key(5L)}));
        keys.add(new TableAccess.Key(new Object[] {Values.key(new BigDecimal("5.000"))}));
        keys.add(new TableAccess.Key(new Object[] {Values.key(BigInteger.valueOf(5))}));
        assertEquals(1, keys.size());
        BigInteger huge = BigInteger.TEN.pow(20);
        assertEquals(Values.key(huge), Values.key(new BigDecimal("100000000000000000000.00")));
        assertEquals(Values.key(new byte[] {9, 10}), Values.key(new byte[] {9, 10}));
        assertNotEquals(Values.key(new byte[] {9, 10}), Values.key(new byte[] {9, 11}));
    }

    @Test
    void keysOrderAndPrint() {
        TableAccess.Key a = new TableAccess.Key(new Object[] {Values.key(2), Values.key("x")});
        TableAccess.Key b = new TableAccess.Key(new Object[] {Values.key(10L), Values.key("a")});
        assertTrue(a.compareTo(b) < 0);
        assertEquals("[2, x]", a.toString());
        assertEquals("0x0aff", new TableAccess.Key(new Object[] {Values.key(new byte[] {10, -1})}).toString());
    }
}
