"""Where things are and which detections are one object: the facts the scene
sentences are made of, in no language."""

from __future__ import annotations

from device.vision.grouping import group, importance, kind_of, merge_same_object, nearness, side_of
from device.vision.types import Detection

LEFT, AHEAD, RIGHT = (0.05, 0.4, 0.25, 0.6), (0.4, 0.4, 0.6, 0.6), (0.75, 0.4, 0.95, 0.6)
CLOSE_LEFT = (0.05, 0.1, 0.3, 0.95)
FAR_AHEAD = (0.48, 0.45, 0.52, 0.5)


def d(label: str, box: tuple[float, float, float, float], score: float = 0.8) -> Detection:
    return Detection(label, score, box)


def test_sides_and_nearness_from_boxes() -> None:
    assert [side_of(b) for b in (LEFT, AHEAD, RIGHT)] == ["left", "ahead", "right"]
    assert nearness(CLOSE_LEFT) == "close" and nearness(FAR_AHEAD) == "far"
    # A person 7 m away on the Camera Module 3 is neither; 11 m away is far
    # (0.12 of the frame was the bound once, and the campus photo's distant
    # people, 13-16 % high, were "neither").
    assert nearness((0.4, 0.3, 0.6, 0.62)) == ""
    assert nearness((0.4, 0.4, 0.6, 0.6)) == "far"


def test_importance_people_then_vehicles_then_animals_then_small_things() -> None:
    order = sorted(["cup", "dog", "truck", "person", "chair"], key=importance)
    assert order == ["person", "truck", "dog", "chair", "cup"]
    assert [kind_of(x) for x in order] == ["person", "vehicle", "animal", "large", "small"]
    assert importance("traffic light") == importance("car")


def test_groups_count_each_class_and_know_where_its_members_are() -> None:
    groups = group([d("dog", RIGHT), d("person", AHEAD), d("person", CLOSE_LEFT)])
    assert [(g.label, g.count) for g in groups] == [("person", 2), ("dog", 1)]
    people, dog = groups
    assert people.side is None and people.by_side == [("left", 1), ("ahead", 1)]
    assert people.close_side == "left"
    assert dog.side == "right" and dog.close_side is None


def test_two_names_for_one_box_are_one_object_with_an_alternative() -> None:
    box = (0.6, 0.1, 0.9, 0.3)
    merged = merge_same_object([Detection("truck", 0.28, box), Detection("car", 0.52, box)])
    assert [(best.label, alternatives) for best, alternatives in merged] == [("car", ("truck",))]
    (unsure,) = group([Detection("car", 0.52, box), Detection("truck", 0.28, box)])
    assert unsure.alternatives == ("truck",) and unsure.kind == "vehicle"


def test_unrelated_classes_in_one_place_stay_two_things() -> None:
    merged = merge_same_object([Detection("person", 0.9, AHEAD), Detection("cup", 0.5, AHEAD)])
    assert [alternatives for _, alternatives in merged] == [(), ()]


def test_a_weak_part_inside_a_strong_box_of_its_class_is_not_counted() -> None:
    whole, wheel = (0.15, 0.23, 0.73, 0.83), (0.18, 0.24, 0.34, 0.38)
    dets = [Detection("bicycle", 0.54, whole), Detection("bicycle", 0.30, wheel)]
    assert [g.count for g in group(dets)] == [1]
    # Two real bikes, one behind the other, score alike and are both counted.
    dets = [Detection("bicycle", 0.54, whole), Detection("bicycle", 0.50, wheel)]
    assert [g.count for g in group(dets)] == [2]


def test_something_close_comes_before_a_more_important_thing_far_off() -> None:
    groups = group([Detection("car", 0.8, FAR_AHEAD), Detection("dog", 0.8, CLOSE_LEFT)])
    assert [g.label for g in groups] == ["dog", "car"]


def test_among_equals_more_of_them_come_first() -> None:
    groups = group([d("cat", LEFT), d("dog", RIGHT), d("dog", AHEAD)])
    assert [g.label for g in groups] == ["dog", "cat"]
