//! [`ReduceExt`] for [`Var`]: every method forwards to the free function of the same name.
use super::*;

impl<'t, T: Real> ReduceExt<'t, T> for Var<'t, T> {
    #[track_caller]
    fn sum(self) -> Var<'t, T> {
        sum(self)
    }
    #[track_caller]
    fn mean(self) -> Var<'t, T> {
        mean(self)
    }
    #[track_caller]
    fn sum_axis(self, axis: Axis) -> Var<'t, T> {
        sum_axis(self, axis)
    }
    #[track_caller]
    fn try_sum_axis(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_sum_axis(self, axis)
    }
    #[track_caller]
    fn mean_axis(self, axis: Axis) -> Var<'t, T> {
        mean_axis(self, axis)
    }
    #[track_caller]
    fn try_mean_axis(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_mean_axis(self, axis)
    }
    #[track_caller]
    fn max(self) -> Var<'t, T> {
        max(self)
    }
    #[track_caller]
    fn try_max(self) -> Result<Var<'t, T>, Error> {
        try_max(self)
    }
    #[track_caller]
    fn min(self) -> Var<'t, T> {
        min(self)
    }
    #[track_caller]
    fn try_min(self) -> Result<Var<'t, T>, Error> {
        try_min(self)
    }
    #[track_caller]
    fn argmax(self) -> usize {
        argmax(self)
    }
    #[track_caller]
    fn try_argmax(self) -> Result<usize, Error> {
        try_argmax(self)
    }
    #[track_caller]
    fn argmin(self) -> usize {
        argmin(self)
    }
    #[track_caller]
    fn try_argmin(self) -> Result<usize, Error> {
        try_argmin(self)
    }
    #[track_caller]
    fn max_axis(self, axis: Axis) -> Var<'t, T> {
        max_axis(self, axis)
    }
    #[track_caller]
    fn try_max_axis(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_max_axis(self, axis)
    }
    #[track_caller]
    fn min_axis(self, axis: Axis) -> Var<'t, T> {
        min_axis(self, axis)
    }
    #[track_caller]
    fn try_min_axis(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_min_axis(self, axis)
    }
    #[track_caller]
    fn argmax_axis(self, axis: Axis) -> Vec<usize> {
        argmax_axis(self, axis)
    }
    #[track_caller]
    fn try_argmax_axis(self, axis: Axis) -> Result<Vec<usize>, Error> {
        try_argmax_axis(self, axis)
    }
    #[track_caller]
    fn argmin_axis(self, axis: Axis) -> Vec<usize> {
        argmin_axis(self, axis)
    }
    #[track_caller]
    fn try_argmin_axis(self, axis: Axis) -> Result<Vec<usize>, Error> {
        try_argmin_axis(self, axis)
    }
    #[track_caller]
    fn logsumexp(self) -> Var<'t, T> {
        logsumexp(self)
    }
    #[track_caller]
    fn try_logsumexp(self) -> Result<Var<'t, T>, Error> {
        try_logsumexp(self)
    }
    #[track_caller]
    fn logsumexp_axis(self, axis: Axis) -> Var<'t, T> {
        logsumexp_axis(self, axis)
    }
    #[track_caller]
    fn try_logsumexp_axis(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_logsumexp_axis(self, axis)
    }
    #[track_caller]
    fn logsum(self, beta: T) -> Var<'t, T> {
        logsum(self, beta)
    }
    #[track_caller]
    fn try_logsum(self, beta: T) -> Result<Var<'t, T>, Error> {
        try_logsum(self, beta)
    }
    #[track_caller]
    fn logsum_axis(self, axis: Axis, beta: T) -> Var<'t, T> {
        logsum_axis(self, axis, beta)
    }
    #[track_caller]
    fn try_logsum_axis(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error> {
        try_logsum_axis(self, axis, beta)
    }
    #[track_caller]
    fn softmax(self, axis: Axis) -> Var<'t, T> {
        softmax(self, axis)
    }
    #[track_caller]
    fn try_softmax(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_softmax(self, axis)
    }
    #[track_caller]
    fn log_softmax(self, axis: Axis) -> Var<'t, T> {
        log_softmax(self, axis)
    }
    #[track_caller]
    fn try_log_softmax(self, axis: Axis) -> Result<Var<'t, T>, Error> {
        try_log_softmax(self, axis)
    }
    #[track_caller]
    fn softmax_beta(self, axis: Axis, beta: T) -> Var<'t, T> {
        softmax_beta(self, axis, beta)
    }
    #[track_caller]
    fn try_softmax_beta(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error> {
        try_softmax_beta(self, axis, beta)
    }
    #[track_caller]
    fn log_softmax_beta(self, axis: Axis, beta: T) -> Var<'t, T> {
        log_softmax_beta(self, axis, beta)
    }
    #[track_caller]
    fn try_log_softmax_beta(self, axis: Axis, beta: T) -> Result<Var<'t, T>, Error> {
        try_log_softmax_beta(self, axis, beta)
    }
}
