/// A survey answer as it arrives: a number, or a missing answer.
///
/// Floats treat `NaN` as missing; `Option`s treat `None` as missing. Whether
/// a present value is valid for a metric is decided by the metric's [`Scale`](super::Scale).
pub trait Answer: Copy {
    /// The answer's value, or `None` when it is missing.
    fn value(self) -> Option<f64>;
}

impl Answer for f64 {
    #[inline]
    fn value(self) -> Option<f64> {
        (!self.is_nan()).then_some(self)
    }
}

impl Answer for f32 {
    #[inline]
    fn value(self) -> Option<f64> {
        (!self.is_nan()).then_some(f64::from(self))
    }
}

macro_rules! integer_answer {
    ($($t:ty),*) => {$(
        impl Answer for $t {
            #[inline]
            fn value(self) -> Option<f64> {
                // every value that can be on a rating scale converts exactly;
                // a huge one only has to stay out of range, which it does
                Some(self as f64)
            }
        }
    )*};
}
integer_answer!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<T: Answer> Answer for Option<T> {
    #[inline]
    fn value(self) -> Option<f64> {
        self.and_then(Answer::value)
    }
}

impl<T: Answer> Answer for &T {
    #[inline]
    fn value(self) -> Option<f64> {
        (*self).value()
    }
}
