package io.github.dualwrite.examples.points;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /points/{userId}/add}, {@code POST /points/{userId}/spend} (body {@code {"amount":10,"remark":"..."}}),
 * {@code GET /points/{userId}} and {@code GET /points/{userId}/history}.
 */
@RestController
public class PointsController {

    private final PointsService points;

    public PointsController(PointsService points) {
        this.points = points;
    }

    /** A request to move points. */
    public record Movement(long amount, String remark) {
    }

    @PostMapping("/points/{userId}/add")
    public Map<String, Object> add(@PathVariable long userId, @RequestBody Movement m) {
        return Map.of("userId", userId, "balance", points.add(userId, m.amount(), m.remark()));
    }

    @PostMapping("/points/{userId}/spend")
    public Map<String, Object> spend(@PathVariable long userId, @RequestBody Movement m) {
        return Map.of("userId", userId, "balance", points.spend(userId, m.amount(), m.remark()));
    }

    @GetMapping("/points/{userId}")
    public Map<String, Object> balance(@PathVariable long userId) {
        return Map.of("userId", userId, "balance", points.balance(userId));
    }

    @GetMapping("/points/{userId}/history")
    public List<Detail> history(@PathVariable long userId, @RequestParam(defaultValue = "50") int limit) {
        return points.history(userId, limit);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    @ResponseStatus(HttpStatus.BAD_REQUEST)
    public Map<String, String> badRequest(IllegalArgumentException e) {
        return Map.of("error", e.getMessage());
    }
}
